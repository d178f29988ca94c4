"""Language tools shared by the package (dates...)."""
