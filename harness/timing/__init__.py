"""What timed measurements share: the machine's quiet check and its GEMM peak."""
