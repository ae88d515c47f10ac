"""`leadgate clean`: whole historical exports through the same domain code as `/v1/check`."""
