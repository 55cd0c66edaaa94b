/* serve_config.c - the server's settings from a file and flags; see
 * serve_config.h. */
#include "serve_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

void serve_config_defaults(struct serve_config *c, const char *db)
{
    memset(c, 0, sizeof *c);
    snprintf(c->db, sizeof c->db, "%s", db);
    snprintf(c->bind, sizeof c->bind, "127.0.0.1");
    /* Public writes: a municipality's whole delegation (20 people) from
     * one office address within a minute must pass with room to spare;
     * one client cannot file thousands (docs/configuration.md). */
    c->http = (struct http_options){.db_path = c->db, .bind = c->bind, .port = 8080,
                                    .idle_timeout = 10, .request_timeout = 15,
                                    .max_connections = 1000, .mail = &c->mail,
                                    .rate_limit = 1, .rate_burst = 30,
                                    .rate_per_minute = 30};
    mail_config_defaults(&c->mail);
    /* The usual deployment: a reverse proxy on this machine. */
    rl_trusted_parse("127.0.0.1, ::1", &c->http.trusted_proxies, NULL, 0);
}

static int int_value(const char *v, int min, int max, int *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < min || n > max)
        return -1;
    *out = (int)n;
    return 0;
}

static int bool_value(const char *v, int *out)
{
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int text_value(const char *v, char *out, size_t n)
{
    if (strlen(v) >= n)
        return -1;
    snprintf(out, n, "%s", v);
    return 0;
}

/* The first line of a password file, without its line end. */
static int read_password(const char *path, char *out, size_t n, char *err, size_t errlen)
{
    struct stat st;
    FILE *f = fopen(path, "rb");
    size_t len;

    if (f == NULL) {
        snprintf(err, errlen, "smtp_password_file: %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0004))
        fprintf(stderr, "saiets: warning: %s can be read by every user of this machine\n",
                path);
    len = fread(out, 1, n - 1, f);
    out[len] = '\0';
    fclose(f);
    out[strcspn(out, "\r\n")] = '\0';
    if (out[0] == '\0') {
        snprintf(err, errlen, "smtp_password_file: %s is empty", path);
        return -1;
    }
    return 0;
}

int serve_config_set(struct serve_config *c, const char *key, const char *value, char *err,
                     size_t errlen)
{
    struct http_options *h = &c->http;
    struct mail_config *m = &c->mail;
    int bad = 0;

    if (!strcmp(key, "db"))
        bad = text_value(value, c->db, sizeof c->db);
    else if (!strcmp(key, "bind"))
        bad = text_value(value, c->bind, sizeof c->bind);
    else if (!strcmp(key, "port"))
        bad = int_value(value, 0, 65535, &h->port);
    else if (!strcmp(key, "idle_timeout"))
        bad = int_value(value, 1, 3600, &h->idle_timeout);
    else if (!strcmp(key, "request_timeout"))
        bad = int_value(value, 1, 3600, &h->request_timeout);
    else if (!strcmp(key, "max_connections"))
        bad = int_value(value, 1, 100000, &h->max_connections);
    else if (!strcmp(key, "quiet"))
        bad = bool_value(value, &h->quiet);
    else if (!strcmp(key, "rate_limit"))
        bad = bool_value(value, &h->rate_limit);
    else if (!strcmp(key, "rate_limit_burst"))
        bad = int_value(value, 1, 1000000, &h->rate_burst);
    else if (!strcmp(key, "rate_limit_per_minute"))
        bad = int_value(value, 1, 1000000, &h->rate_per_minute);
    else if (!strcmp(key, "trusted_proxies")) {
        char why[160];

        if (rl_trusted_parse(!strcmp(value, "none") ? "" : value, &h->trusted_proxies, why,
                             sizeof why) < 0) {
            snprintf(err, errlen, "trusted_proxies: %s", why);
            return -1;
        }
    } else if (!strcmp(key, "mail"))
        bad = bool_value(value, &m->enabled);
    else if (!strcmp(key, "smtp_host"))
        bad = text_value(value, m->smtp_host, sizeof m->smtp_host);
    else if (!strcmp(key, "smtp_port"))
        bad = int_value(value, 1, 65535, &m->smtp_port);
    else if (!strcmp(key, "smtp_tls")) {
        if (!strcmp(value, "none"))
            m->tls = MAIL_TLS_NONE;
        else if (!strcmp(value, "starttls"))
            m->tls = MAIL_TLS_STARTTLS;
        else if (!strcmp(value, "tls"))
            m->tls = MAIL_TLS_IMPLICIT;
        else
            bad = 1;
    } else if (!strcmp(key, "smtp_user"))
        bad = text_value(value, m->smtp_user, sizeof m->smtp_user);
    else if (!strcmp(key, "smtp_ca_file"))
        bad = text_value(value, m->smtp_ca_file, sizeof m->smtp_ca_file) ||
              (value[0] && access(value, R_OK) != 0);
    else if (!strcmp(key, "smtp_password_file"))
        return read_password(value, m->smtp_password, sizeof m->smtp_password, err, errlen);
    else if (!strcmp(key, "mail_from"))
        bad = text_value(value, m->from_addr, sizeof m->from_addr);
    else if (!strcmp(key, "mail_from_name"))
        bad = text_value(value, m->from_name, sizeof m->from_name);
    else if (!strcmp(key, "public_url"))
        bad = text_value(value, m->public_url, sizeof m->public_url);
    else if (!strcmp(key, "reminder_days"))
        bad = int_value(value, 0, 60, &m->reminder_days);
    else if (!strcmp(key, "mail_retry_seconds"))
        bad = int_value(value, 1, 3600, &m->retry_seconds);
    else {
        snprintf(err, errlen, "unknown setting '%s' (docs/configuration.md lists them)", key);
        return -1;
    }
    if (bad) {
        snprintf(err, errlen, "%s: '%s' is not a valid value", key, value);
        return -1;
    }
    return 0;
}

static int from_file(const char *key, const char *value, void *arg, char *err, size_t errlen)
{
    return serve_config_set(arg, key, value, err, errlen);
}

int serve_config_read(struct serve_config *c, const char *path, char *err, size_t errlen)
{
    return conf_read(path, from_file, c, err, errlen);
}
