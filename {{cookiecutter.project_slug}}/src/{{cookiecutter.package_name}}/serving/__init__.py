"""The prediction service: model loading, the API, and the prediction log."""
