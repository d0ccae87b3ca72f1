/* SPDX-License-Identifier: MIT */
/*
 * The openwsus command line: one binary, git-style verbs, one file per verb.
 * Each verb is `int cmd_NAME(int argc, char **argv)` returning the process
 * exit status; errors are printed once, by cli_fail.
 */
#ifndef OW_CLI_CLI_H
#define OW_CLI_CLI_H

#include "base/err.h"

/* Exit statuses. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_configuressl(int argc, char **argv);
int cmd_content(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_publish(int argc, char **argv);

/* Administration verbs: clients of the admin API (cli/apiclient.h). */
int cmd_approve(int argc, char **argv);
int cmd_decline(int argc, char **argv);
int cmd_group(int argc, char **argv);
int cmd_computer(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Maintenance verbs on a data directory (cmd_cleanup.c). */
int cmd_decline_superseded(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_reset(int argc, char **argv);

/* Prints "openwsus VERB: message" and returns the exit status for err's
 * code: the one place CLI exit codes are chosen. */
int cli_fail(const char *verb, const struct ow_err *err);

/* Prints "openwsus VERB: " + message + usage hint; returns CLI_USAGE. */
int cli_usage(const char *verb, const char *usage, const char *fmt, ...) OW_PRINTF(3, 4);

/* Maintenance verbs run by root on a data directory that belongs to the
 * service user act as that owner, so that every file they create is the
 * daemon's (base/priv.h). Returns CLI_OK or the exit status to return. */
int cli_act_as_owner(const char *verb, const char *data_dir);

/* Around opening a file an administrator named on the command line: the
 * invoker's own rights for the open, the owner's again after. */
int cli_input_begin(void);
int cli_input_end(void);

/* Signals a running `serve` for the data directory to reload (SIGHUP).
 * Returns the pid signalled, 0 when none runs, or a negative OW_E*. */
int cli_signal_server(const char *data_dir, struct ow_err *err);

/* The hardening guide's checklist for a data directory (cmd_audit.c); exits
 * 0 all pass, 1 any WARN, 2 any FAIL. */
int cmd_audit(int argc, char **argv);

#endif
