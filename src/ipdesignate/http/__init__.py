"""The HTTP service (``ipdesignate serve``): an edge over the public API, never imported by
the core. ``app.create_app`` builds the FastAPI application; ``service`` holds what each
endpoint does without any HTTP in it; docs/http.md is the integrator's page.
"""
