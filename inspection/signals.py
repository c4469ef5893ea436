"""Signals the inspection services send for the layers above them (connected in those apps' `ready()`)."""
from django.dispatch import Signal

#: A finding, inspection or organisation was saved with another place (category, inspection, round,
#: organisation or region) than it had: sender = its model, instance = the record. Tasks above copy the place.
place_changed = Signal()
