"""E-mail digests: subscriptions, what changed, plain-text rendering, sending once per period."""
