"""`make bench`: datasets of growing size on PostgreSQL, and the figures that show how cost grows.

Plain Python that drives the product from outside (subprocesses with their own DATABASE_URL, a real
gunicorn, wrk for load), so nothing here runs inside the product.
"""
