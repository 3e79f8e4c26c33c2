"""The service's routes, one router per concern; each route adapts HTTP to a plain function."""
