"""Writes for the evidence library and the staff training register.

`training_summary` (the 3.2.1 figure) lives in evidence/training.py and is re-exported here
for other apps: `from evidence.services import training_summary, TrainingSummary`.
"""
from .training import TrainingSummary, training_summary

__all__ = ["TrainingSummary", "training_summary"]
