"""What the accuracy suites share: metrics, classifiers behind one interface, the trainer."""
