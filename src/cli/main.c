/* SPDX-License-Identifier: MIT */
/*
 * openwsus entry point: finds the verb in the dispatch table and runs it.
 * Maintenance verbs act on a data directory on this machine, as wsusutil
 * does on a WSUS server; `serve` is the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/priv.h"
#include "base/util.h"
#include "cli/cli.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct verb verbs[] = {
	{ "init", cmd_init, "create a data directory: config, store, keys, lab CA, certificate" },
	{ "serve", cmd_serve, "run the server: HTTPS metadata port P, HTTP content port P-1" },
	{ "configuressl", cmd_configuressl, "set the server name and certificate (as wsusutil configuressl)" },
	{ "content", cmd_content, "content import: store an update file by its digest" },
	{ "user", cmd_user, "user add (local) | list, create (admin API): WSUS Administrators and Reporters" },
	{ "update", cmd_update, "update import: add upd:Update revision documents to the catalog" },
	{ "approve", cmd_approve, "approve an update for a computer group (admin API)" },
	{ "decline", cmd_decline, "decline an update, or --undo a decline (admin API)" },
	{ "group", cmd_group, "group list|add|delete: computer groups (admin API)" },
	{ "computer", cmd_computer, "computer list|assign|unassign: computers and their groups (admin API)" },
	{ "report", cmd_report, "report status|updates|audit: read-only views (admin API)" },
	{ "decline-superseded", cmd_decline_superseded, "decline updates that an approved newer update supersedes" },
	{ "cleanup", cmd_cleanup, "remove unused revisions, stale computers, unneeded content (in batches)" },
	{ "reset", cmd_reset, "check every content file against its digests (as wsusutil reset)" },
	{ "publish", cmd_publish, "publish a signed installer as an update (admin API)" },
	{ "audit", cmd_audit, "check the data directory against the WSUS hardening guide" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: openwsus VERB [options]\n\nverbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-14s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n'openwsus VERB --help' describes a verb.\n");
}

int cli_fail(const char *verb, const struct ow_err *err)
{
	fprintf(stderr, "openwsus %s: %s\n", verb, err->msg[0] ? err->msg : ow_err_str(err->code));
	switch (err->code) {
	case OW_OK:
		return CLI_OK;
	case OW_EINVAL:
	case OW_ECONFIG:
	case OW_ENOENT:
	case OW_EEXIST:
	case OW_EPERM:
	case OW_ELIMIT:
	case OW_ECRYPTO:
	case OW_ESTORE:
	case OW_EIO:
	case OW_ENOMEM:
	default:
		return CLI_FAIL;
	}
}

int cli_usage(const char *verb, const char *text, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "openwsus %s: ", verb);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", text);
	return CLI_USAGE;
}

int cli_act_as_owner(const char *verb, const char *data_dir)
{
	struct ow_err err = { 0 };
	int acting;

	if (ow_priv_act_as_owner(data_dir, &acting, &err) < 0)
		return cli_fail(verb, &err);
	return CLI_OK;
}

int cli_input_begin(void)
{
	return ow_priv_act_as_invoker();
}

int cli_input_end(void)
{
	/* Failing to give root back is not a state to carry on in. */
	if (ow_priv_act_as_again() < 0)
		abort();
	return 0;
}

int cli_signal_server(const char *data_dir, struct ow_err *err)
{
	char path[4096], proc[64], *text = NULL, cmd[4096];
	ssize_t cmdlen;
	long long pid;
	int rc, fd;

	if (ow_fmt(path, sizeof(path), "%s/openwsus.pid", data_dir) < 0)
		return ow_err_set(err, OW_ELIMIT, "path too long");
	rc = ow_read_file(path, 64, &text, NULL, NULL);
	if (rc == OW_ENOENT)
		return 0;
	if (rc < 0)
		return ow_err_set(err, rc, "%s: unreadable", path);
	text[strcspn(text, "\n")] = '\0';
	rc = ow_parse_ll(text, 2, 4194304, &pid);
	free(text);
	if (rc < 0)
		return 0; /* stale or damaged pid file: nothing to signal */
	/* Only signal a process that is an openwsus serve (pid files go stale). */
	snprintf(proc, sizeof(proc), "/proc/%lld/cmdline", pid);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	cmdlen = read(fd, cmd, sizeof(cmd) - 1); /* /proc sizes read as 0: no ow_read_file */
	close(fd);
	if (cmdlen <= 0)
		return 0;
	cmd[cmdlen] = '\0';
	if (strstr(cmd, "openwsus") == NULL || memmem(cmd, (size_t)cmdlen, "\0serve\0", 7) == NULL)
		return 0;
	if (kill((pid_t)pid, SIGHUP) < 0)
		return errno == ESRCH ? 0 : ow_err_set(err, OW_EPERM, "cannot signal pid %lld", pid);
	return (int)pid;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_USAGE : CLI_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("openwsus %s\n", OW_VERSION);
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "openwsus: unknown verb '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
