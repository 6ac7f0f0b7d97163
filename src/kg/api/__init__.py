"""The HTTP interface (FastAPI): thin routes over the plain service modules."""
