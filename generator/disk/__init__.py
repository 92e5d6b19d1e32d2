"""Files and folders written safely: atomic writes, staged output folders swapped in whole, manifests."""
