"""The download page and zip of a build, and the review page of `collect --review`."""
