# shellcheck shell=bash
# images.sh: the stand-in images, one per image name the examples use. All share the
# one Debian root that Scripts/images/build makes; each gets the config (entrypoint,
# cmd, user, working dir, env, ports, volumes, stop signal) of its Docker Hub
# namesake. Sourced by build, which defines
#   image LAYOUT_TAG MIRROR_REFERENCE [umoci config option]...
# LAYOUT_TAG names it in the OCI layout; MIRROR_REFERENCE is the repository:tag a
# Docker Hub mirror sees for it (Scripts/registry seed pushes it there).

path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# redis: redis-server on every address :6379, dir /data, protected mode off, as redis.
image redis library/redis:latest \
    --config.env "PATH=$path" \
    --config.entrypoint /usr/local/bin/redis-entrypoint --config.cmd redis-server \
    --config.workingdir /data --config.volume /data --config.exposedports 6379/tcp

# nginx, nginx:latest, nginx:alpine: nginx in the foreground serving
# /usr/share/nginx/html on :80 (master as root, workers as www-data).
for ref in library/nginx:latest library/nginx:alpine; do
    tag=nginx
    [ "${ref##*:}" = latest ] || tag=nginx-${ref##*:}
    image "$tag" "$ref" \
        --config.env "PATH=$path" \
        --config.entrypoint /usr/local/bin/nginx-entrypoint \
        --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' \
        --config.exposedports 80/tcp --config.stopsignal SIGQUIT
done

# busybox: sh, with every busybox applet as /bin/NAME.
image busybox library/busybox:latest \
    --config.env "PATH=$path" --config.cmd sh

# perl: perl 5.36 with its core modules (bignum for the Job example).
image perl library/perl:latest \
    --config.env "PATH=$path" --config.cmd perl --config.cmd -de0 \
    --config.workingdir /usr/src/app

# postgres:15: the official entrypoint's behaviour (rootfs/usr/local/bin/postgres-entrypoint).
image postgres-15 library/postgres:15 \
    --config.env "PATH=$path:/usr/lib/postgresql/15/bin" \
    --config.env PG_MAJOR=15 --config.env LANG=en_US.utf8 \
    --config.env PGDATA=/var/lib/postgresql/data \
    --config.entrypoint /usr/local/bin/postgres-entrypoint --config.cmd postgres \
    --config.volume /var/lib/postgresql/data --config.exposedports 5432/tcp \
    --config.stopsignal SIGINT

# prom/node-exporter: the node exporter on :9100, as nobody.
image node-exporter prom/node-exporter:latest \
    --config.env "PATH=$path" \
    --config.entrypoint /bin/node_exporter --config.user nobody \
    --config.exposedports 9100/tcp
