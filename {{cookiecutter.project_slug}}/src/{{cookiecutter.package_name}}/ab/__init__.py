"""A/B testing of the churn model: sticky assignment of units to variants and the statistics."""
