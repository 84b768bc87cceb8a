"""Running the job matrix: plan jobs, run them in isolated worker processes, store results."""
