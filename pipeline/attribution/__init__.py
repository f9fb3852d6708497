"""The transformer attribution tagger: encoder, features, tagging, decoding, grouping, training."""
