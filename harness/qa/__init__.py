"""Extractive question answering: features, span decoding, the official SQuAD metrics, and
scoring through another backend; shared by the squad suite and the serving suite."""
