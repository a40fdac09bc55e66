"""Onboarding: homes, their sensors and gateways, residents, people, grants and consent.

One set of operations (:mod:`api.admin.homes`, :mod:`api.admin.people`) behind three thin
front ends: the JSON routes, the server-rendered admin pages and ``carewatch api`` commands.
"""
