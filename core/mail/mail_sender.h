/* mail_sender.h - the thread that delivers the outbox over SMTP (libcurl),
 * off the event loop: it reads the due rows with its own read connection,
 * writes each message (mail_render.c, mail_message.c), hands it to the
 * SMTP server, and records the outcome through the writer (writer_run), so
 * the single-writer design holds.
 *
 * Delivery is at least once: a row is marked 'sending' (attempts + 1,
 * committed) before it is handed over, and marked sent after; a crash in
 * between sends it again with the same Message-ID and an X-Saiets-Attempt
 * header.  A 5xx answer (the address refused) fails the row for good; any
 * other failure retries with backoff (outbox_backoff), at most
 * OUTBOX_MAX_ATTEMPTS times.  A rush of registrations goes first: while the
 * writer is busy the sender sends one batch every 2 s at most, and the
 * thread runs at the lowest CPU priority.
 *
 * Also queues the reminders (outbox_queue_reminders) every few minutes. */
#ifndef SAIETS_MAIL_SENDER_H
#define SAIETS_MAIL_SENDER_H

#include "writer.h"

enum mail_tls { MAIL_TLS_NONE, MAIL_TLS_STARTTLS, MAIL_TLS_IMPLICIT };

struct mail_config {
    int enabled;            /* 0: mail = off: nothing is queued or sent */
    char smtp_host[256];    /* "": no SMTP server: messages stay queued */
    int smtp_port;          /* 0: 25, or 465 for implicit TLS */
    enum mail_tls tls;
    char smtp_user[256];    /* "": no authentication */
    char smtp_password[256];
    char smtp_ca_file[512]; /* "": the system's CAs; else the CA (bundle) that signs
                               the SMTP server's certificate */
    char from_addr[256];    /* the sender's address */
    char from_name[256];    /* "" for none */
    char public_url[512];   /* links in messages point here, no trailing slash;
                               "": the server's own address and port */
    int reminder_days;      /* 0: no reminders */
    int retry_seconds;      /* the first retry's wait, doubling to at most an hour */
};

/* Defaults: enabled, no SMTP, STARTTLS, from "saiets@localhost",
 * public_url "" (the server's own address), reminders 3 days before, retries
 * after 30 s. */
void mail_config_defaults(struct mail_config *c);

/* Checks the values a config file or flags gave: NULL when fine, else a
 * static message saying what is wrong. */
const char *mail_config_check(const struct mail_config *c);

/* Call once from main() before any thread starts (curl_global_init). */
int mail_global_init(void);
void mail_global_cleanup(void);

struct mail_sender;

/* Starts the thread (nothing when mail is off or no SMTP server is set:
 * returns NULL with *errmsg NULL).  NULL with *errmsg set on failure. */
struct mail_sender *mail_sender_start(const char *db_path, struct writer *w,
                                      const struct mail_config *c, char **errmsg);

/* Stops the thread (an SMTP exchange under way is cut short; its row is
 * sent again later).  Call before writer_stop(). */
void mail_sender_stop(struct mail_sender *s);

#endif
