"""The web pages and JSON API for record keepers, Deputy Commissioners and e-Office.

`create_app(home, settings)` in `web.app` builds the application that `daftar serve` runs.
"""
