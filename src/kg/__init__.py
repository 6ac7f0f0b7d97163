"""ClusterKG: a knowledge graph of EU clusters, Key Enabling Technologies and S3 priorities."""

__version__ = "0.1.0"
