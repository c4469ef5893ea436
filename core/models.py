"""Model building blocks."""


class LoadedValuesMixin:
    """Remembers the values a row was loaded with (Django's documented `from_db` hook), so a save can tell what
    changed, e.g. a record moved to another place, without reading the row again first."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values))
        return instance

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # post_save receivers still see the values as they were
        self.mark_saved()

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.mark_saved()

    def loaded_values(self) -> dict | None:
        """The stored values as loaded or last saved; None for a row not read from the database."""
        return getattr(self, "_loaded_values", None)

    def changed_fields(self, *attnames) -> set[str] | None:
        """Which of `attnames` differ from the stored values; None when they are unknown."""
        loaded = self.loaded_values()
        if loaded is None or any(name not in loaded for name in attnames):
            return None
        return {name for name in attnames if loaded[name] != getattr(self, name)}

    def mark_saved(self) -> None:
        """The current values are the stored ones (after a save)."""
        self._loaded_values = {field.attname: getattr(self, field.attname) for field in self._meta.concrete_fields
                               if field.attname in self.__dict__}
