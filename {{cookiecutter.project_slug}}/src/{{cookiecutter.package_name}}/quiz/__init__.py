"""The interview drill: a question bank as data, a review schedule, a terminal session, stats."""
