"""The web channel: the SKM form a citizen opens from a counter's QR code."""
