"""One module per paper: PAPER and CLAIMS."""
