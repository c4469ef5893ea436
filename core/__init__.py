"""What every app shares: scoping, errors, admin and filter building blocks, xlsx cells, the on-commit batcher.

Nothing here imports a domain app; the apps import it (core ← accounts ← inspection ← rectification ← …).
"""
