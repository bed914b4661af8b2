"""Ways a package travels to and from another system: this system's own exchange API between instances, the
national axis (VDXP) and provincial platforms (LGSP), and a folder for air-gapped exchange. All behind
``transports.base.Transport``."""
