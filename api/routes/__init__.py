"""The JSON API's routers, one per concept."""
