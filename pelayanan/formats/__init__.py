"""Date formats of the portal (settings.FORMAT_MODULE_PATH), overriding Django's per language."""
