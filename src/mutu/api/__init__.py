"""The REST API root: routing, versioning, auth and the OpenAPI schema.

Endpoints live in each app's ``api.py``; ``mutu.api.urls`` mounts them under
``/api/v1/``.
"""
