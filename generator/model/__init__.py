"""The model: frozen dataclasses of form definitions and localized documents, the field kinds, what a
printed page says about itself, the message ids code uses. No I/O; imports nothing of formgen outside model/."""
