"""The lab's use cases: a demo world run through the product's pipeline, and what a store
holds scored against a truth folder. The only lab code that meets the store."""
