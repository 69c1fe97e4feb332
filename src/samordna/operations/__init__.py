"""OPS-2: health, downtime banner and blank forms."""
