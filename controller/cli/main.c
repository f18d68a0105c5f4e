/* judgebox: the command-line client of judgeboxd.
 *
 * main.c reads the command line into an opts_t, finds the command in its
 * table, checks its operands and options, and runs it with a connected
 * cli_t; cli.h says what the other files do. judgebox(1) is the reference
 * for commands, output and exit statuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

/* A command: its words, its function, what it takes. */
typedef struct {
	const char *name, *sub;	/* sub: the first operand names a subcommand */
	int (*fn)(cli_t *);
	int min, max;		/* operands after sub; max -1: any number */
	unsigned allowed;	/* F_* options it takes */
	const char *need;	/* the message when operands are missing */
} command_t;

#define NEED_ID "a job id is needed"
#define NEED_FILE "a file is needed"
#define NEED_SESSION "a session id is needed"
static const command_t s_cmds[] = {
	{ "run", NULL, cmd_run, 1, -1, F_RUN, NEED_FILE },
	{ "submit", NULL, cmd_submit, 1, -1, F_RUN, NEED_FILE },
	{ "test", NULL, cmd_test, 1, -1, F_JUDGE, NEED_FILE },
	{ "judge", NULL, cmd_judge, 2, -1, F_LANG | F_ALL | F_LABEL | F_IDEM,
	  "a problem id and a file are needed" },
	{ "problem", "import", cmd_problem_import, 2, 2, 0,
	  "a problem id and a directory are needed" },
	{ "problem", "show", cmd_problem_show, 1, 1, 0, "a problem id is needed" },
	{ "problem", "list", cmd_problem_list, 0, 0, F_LIMIT | F_ALL | F_CURSOR, NULL },
	{ "problem", "verify", cmd_problem_verify, 1, 1, F_ID, "a package directory is needed" },
	{ "watch", NULL, cmd_watch, 1, 1, 0, NEED_ID },
	{ "status", NULL, cmd_status, 1, 1, F_SOURCE, NEED_ID },
	{ "get", NULL, cmd_status, 1, 1, F_SOURCE, NEED_ID },
	{ "cancel", NULL, cmd_cancel, 1, 1, 0, NEED_ID },
	{ "history", NULL, cmd_history, 0, 0, F_HIST, NULL },
	{ "languages", NULL, cmd_languages, 0, 0, 0, NULL },
	{ "health", NULL, cmd_health, 0, 0, 0, NULL },
	{ "violations", NULL, cmd_violations, 0, 0, F_USER | F_TIME | F_LIMIT | F_ALL | F_CURSOR,
	  NULL },
	{ "flags", NULL, cmd_flags, 0, 0, 0, NULL },
	{ "unflag", NULL, cmd_unflag, 1, 1, 0, "a user name is needed" },
	{ "metrics", NULL, cmd_metrics, 0, 0, F_TIME, NULL },
	{ "session", "new", cmd_session_new, 0, -1, F_LANG | F_TEMPLATE, NULL },
	{ "session", "edit", cmd_session_edit, 1, -1, 0, NEED_SESSION },
	{ "session", "run", cmd_session_run, 1, 1, F_RUN & ~F_LANG, NEED_SESSION },
	{ "session", "show", cmd_session_show, 1, 1, 0, NEED_SESSION },
	{ "session", "history", cmd_session_history, 1, 1, F_LIMIT | F_ALL | F_CURSOR,
	  NEED_SESSION },
	{ "session", "list", cmd_session_list, 0, 0, F_LIMIT | F_ALL | F_CURSOR, NULL },
	{ "session", "rm", cmd_session_rm, 1, 1, 0, NEED_SESSION },
};

/* --help: the summary; judgebox(1) has the rest. */
static void s_help(void)
{
	fputs("usage: judgebox [OPTION]... COMMAND [ARG]...\n"
	      "  run FILE... [-l LANG] [-i FILE | --stdin-text TEXT] [LIMITS] [--label L]\n"
	      "      [--idem K] [-- ARG...]   run a program, wait, print its result\n"
	      "  submit FILE... [same options]   queue a run, print its job id\n"
	      "  test FILE... [-l LANG] (--tests DIR | --case IN ANS)... [--all]\n"
	      "      [--compare default|exact|lines] [--case-sensitive] [--space-sensitive]\n"
	      "      [--float-tolerance X] [--float-abs X] [--float-rel X] [--trim]\n"
	      "      [--ignore-trailing-space] [--ignore-empty-lines] [--no-keep] [LIMITS]\n"
	      "      [--label L] [--idem K] [-- ARG...]   judge a program against tests\n"
	      "  judge PROBLEM FILE... [-l LANG] [--all] [--label L] [--idem K]\n"
	      "                           judge a program against an imported problem\n"
	      "  problem import ID DIR    import a problem package (admins)\n"
	      "  problem show ID          a problem's limits, test count and samples\n"
	      "  problem list [--limit N] [--cursor C] [--all]   the problems' ids\n"
	      "  problem verify DIR [--id ID]   import a package, judge its submissions/,\n"
	      "                           show which got what they should (admins)\n"
	      "  watch ID                 follow a job to its end, print its result\n"
	      "  status ID [--source]     print a job (alias: get)\n"
	      "  cancel ID                cancel a job\n"
	      "  history [--user U] [--state S]... [--lang L] [--label L] [--limit N]\n"
	      "      [--cursor C] [--all]  list jobs, newest first\n"
	      "  languages                the languages this host runs\n"
	      "  health                   the daemon's state\n"
	      "  violations [--user U] [--since T] [--until T] [--limit N] [--cursor C]\n"
	      "      [--all]              the security-violation log, newest first (admins)\n"
	      "  flags                    users flagged for violations (admins)\n"
	      "  unflag USER              clear a user's flag (admins)\n"
	      "  metrics [--since AGE]    the service's figures (admins)\n"
	      "  session new (-l LANG [--template NAME] | FILE... [-l LANG])   a session's id\n"
	      "  session edit ID [FILE...] replace its files, or edit them with $EDITOR\n"
	      "  session run ID [-i FILE | --stdin-text TEXT] [LIMITS] [--label L] [--idem K]\n"
	      "      [-- ARG...]           run its files as they are now, print the result\n"
	      "  session show ID | history ID | list | rm ID   (history, list: --limit --cursor --all)\n"
	      "LIMITS: --cpu-ms --wall-ms --memory-kb --procs --fsize-kb --stack-kb\n"
	      "        --nofile --tmp-kb --cpu-share --output-kb, each N\n"
	      "global: -e, --endpoint EP; --events EP; --json; --timeout MS;\n"
	      "        -q, --quiet (no progress); -h, --help; --version\n"
	      "Exit status: 0 ok (test, judge: accepted; problem verify: all as expected),\n"
	      "1 the job did not end ok (problem verify: a mismatch), 2 usage,\n"
	      "3 daemon error, 4 no answer, 5 internal error. See judgebox(1).\n", stdout);
}

/* Each long option and its code (OPT_*, or its short letter). */
static const struct option s_longopts[] = {
	{ "endpoint", required_argument, NULL, 'e' },
	{ "events", required_argument, NULL, OPT_EVENTS },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "lang", required_argument, NULL, 'l' },
	{ "stdin", required_argument, NULL, 'i' },
	{ "stdin-text", required_argument, NULL, OPT_STDIN_TEXT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "idem", required_argument, NULL, OPT_IDEM },
	{ "source", no_argument, NULL, OPT_SOURCE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "cursor", required_argument, NULL, OPT_CURSOR },
	{ "tests", required_argument, NULL, OPT_TESTS },
	{ "case", required_argument, NULL, OPT_CASE },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "no-keep", no_argument, NULL, OPT_NO_KEEP },
	{ "id", required_argument, NULL, OPT_ID },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "case-sensitive", no_argument, NULL, OPT_CMP_BOOL + 0 },
	{ "space-sensitive", no_argument, NULL, OPT_CMP_BOOL + 1 },
	{ "trim", no_argument, NULL, OPT_CMP_BOOL + 2 },
	{ "ignore-trailing-space", no_argument, NULL, OPT_CMP_BOOL + 3 },
	{ "ignore-empty-lines", no_argument, NULL, OPT_CMP_BOOL + 4 },
	{ "float-tolerance", required_argument, NULL, OPT_CMP_FLOAT + 0 },
	{ "float-abs", required_argument, NULL, OPT_CMP_FLOAT + 1 },
	{ "float-rel", required_argument, NULL, OPT_CMP_FLOAT + 2 },
	{ "cpu-ms", required_argument, NULL, OPT_LIMITS + L_CPU },
	{ "wall-ms", required_argument, NULL, OPT_LIMITS + L_WALL },
	{ "memory-kb", required_argument, NULL, OPT_LIMITS + L_MEM },
	{ "procs", required_argument, NULL, OPT_LIMITS + L_PROCS },
	{ "fsize-kb", required_argument, NULL, OPT_LIMITS + L_FSIZE },
	{ "stack-kb", required_argument, NULL, OPT_LIMITS + L_STACK },
	{ "nofile", required_argument, NULL, OPT_LIMITS + L_NOFILE },
	{ "tmp-kb", required_argument, NULL, OPT_LIMITS + L_TMP },
	{ "cpu-share", required_argument, NULL, OPT_LIMITS + L_SHARE },
	{ "output-kb", required_argument, NULL, OPT_LIMITS + L_OUTPUT },
	{ NULL, 0, NULL, 0 },
};

/* test's comparison options (PROTOCOL.md 14.2). */
static int s_opt_compare(opts_t *o, int c, const char *arg)
{
	o->seen |= F_COMPARE;
	if (c == OPT_COMPARE) {
		if (strcmp(arg, "default") && strcmp(arg, "exact") && strcmp(arg, "lines"))
			return cli_usage("--compare: default, exact or lines", arg);
		o->compare = arg;
	} else if (c >= OPT_CMP_BOOL && c < OPT_CMP_BOOL + N_CMP_BOOLS)
		o->cmp_bools |= 1u << (c - OPT_CMP_BOOL);
	else {
		char *end;
		errno = 0;
		double v = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(v) || v < 0)
			return cli_usage("a tolerance is a number from 0", arg);
		o->cmp_floats[c - OPT_CMP_FLOAT] = v;
		o->cmp_floats_set |= 1u << (c - OPT_CMP_FLOAT);
	}
	return RC_OK;
}

/* Options with a value of their own (numbers and repeated states). */
static int s_opt_value(opts_t *o, int c, const char *arg)
{
	uint64_t v;
	if (c == OPT_COMPARE || (c >= OPT_CMP_BOOL && c < OPT_CMP_FLOAT + N_CMP_FLOATS))
		return s_opt_compare(o, c, arg);
	if (c >= OPT_LIMITS && c < OPT_LIMITS + L_COUNT) {
		if (!cli_parse_uint(arg, 1, MAX_ID, &v))
			return cli_usage("not a limit (a whole number from 1)", arg);
		o->limits[c - OPT_LIMITS] = v;
		o->seen |= F_LIMITS;
	} else if (c == OPT_TIMEOUT) {
		if (!cli_parse_uint(arg, 1, 86400000, &v))
			return cli_usage("--timeout: not a number of ms from 1", arg);
		o->timeout_ms = (long)v;
	} else if (c == OPT_LIMIT) {
		if (!cli_parse_uint(arg, 1, 100, &v))
			return cli_usage("--limit: not a number from 1 to 100", arg);
		o->limit = v;
		o->seen |= F_LIMIT;
	} else if (c == OPT_STATE) {
		if (o->nstates == S_COUNT)
			return cli_usage("at most 6 --state options", NULL);
		o->states[o->nstates++] = arg;
		o->seen |= F_STATE;
	}
	return RC_OK;
}

/* Store one option; a non-option (c == 1) is the command or an operand. */
static int s_opt(opts_t *o, int c, char *arg)
{
	switch (c) {
	case 1:
		if (!o->cmd)
			o->cmd = arg;
		else
			o->operands[o->noperands++] = arg;
		break;
	case 'e': o->endpoint = arg; break;
	case OPT_EVENTS: o->events = arg; break;
	case OPT_JSON: o->json = true; break;
	case 'q': o->quiet = true; break;
	case 'h': o->help = true; break;
	case OPT_VERSION: o->version = true; break;
	case 'l': o->lang = arg; o->seen |= F_LANG; break;
	case 'i': o->stdin_file = arg; o->seen |= F_STDIN; break;
	case OPT_STDIN_TEXT: o->stdin_text = arg; o->seen |= F_STDIN; break;
	case OPT_LABEL: o->label = arg; o->seen |= F_LABEL; break;
	case OPT_IDEM: o->idem = arg; o->seen |= F_IDEM; break;
	case OPT_SOURCE: o->source = true; o->seen |= F_SOURCE; break;
	case OPT_USER: o->user = arg; o->seen |= F_USER; break;
	case OPT_ALL: o->all = true; o->seen |= F_ALL; break;
	case OPT_CURSOR: o->cursor = arg; o->seen |= F_CURSOR; break;
	case OPT_TESTS: o->tsrc[o->ntsrc++].dir = arg; o->seen |= F_TESTS; break;
	case OPT_NO_KEEP: o->no_keep = true; o->seen |= F_KEEP; break;
	case OPT_ID: o->id = arg; o->seen |= F_ID; break;
	case OPT_SINCE: o->since = arg; o->seen |= F_TIME; break;
	case OPT_UNTIL: o->until = arg; o->seen |= F_TIME; break;
	case OPT_TEMPLATE: o->template_name = arg; o->seen |= F_TEMPLATE; break;
	case '?': return RC_USAGE;
	default: return s_opt_value(o, c, arg);
	}
	return RC_OK;
}

/* Endpoints: options, else the environment, else the defaults. */
static const char *s_endpoint(const char *opt, const char *env, const char *def)
{
	const char *e = getenv(env);
	return opt ? opt : e && *e ? e : def;
}

/* Parse argv in order: "--" ends the options, and the words after it are
 * the program's arguments (run, submit). */
static int s_parse(int argc, char **argv, opts_t *o)
{
	int c, rc = RC_OK;
	o->timeout_ms = -1;
	o->operands = calloc((size_t)argc + 1, sizeof *o->operands);
	o->tsrc = calloc((size_t)argc + 1, sizeof *o->tsrc);
	if (!o->operands || !o->tsrc)
		return RC_INTERNAL;
	while (rc == RC_OK && (c = getopt_long(argc, argv, "-e:l:i:qh", s_longopts, NULL)) != -1) {
		if (c != OPT_CASE) {
			rc = s_opt(o, c, optarg);
			continue;
		}
		/* --case IN ANS: the word after IN is ANS ("-" keeps argv in order). */
		if (optind >= argc) {
			rc = cli_usage("--case needs two files, IN and ANS", NULL);
			break;
		}
		o->tsrc[o->ntsrc].in = optarg;
		o->tsrc[o->ntsrc++].ans = argv[optind++];
		o->seen |= F_TESTS;
	}
	if (rc == RC_USAGE && c == '?')
		fputs("Try 'judgebox --help'.\n", stderr);
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (o->nargs)
		o->seen |= F_ARGS;
	o->endpoint = s_endpoint(o->endpoint, "JUDGEBOX_ENDPOINT", DEFAULT_ENDPOINT);
	o->events = s_endpoint(o->events, "JUDGEBOX_EVENTS", DEFAULT_EVENTS);
	return rc;
}

/* The options' names, for "COMMAND does not take OPTION". */
static const struct {
	unsigned flag;
	const char *name;
} s_flag_names[] = {
	{ F_LANG, "-l/--lang" }, { F_STDIN, "-i/--stdin-text" },
	{ F_LIMITS, "limits (--cpu-ms ...)" }, { F_LABEL, "--label" },
	{ F_IDEM, "--idem" }, { F_ARGS, "arguments after --" },
	{ F_SOURCE, "--source" }, { F_USER, "--user" }, { F_STATE, "--state" },
	{ F_LIMIT, "--limit" }, { F_ALL, "--all" }, { F_CURSOR, "--cursor" },
	{ F_TESTS, "--tests/--case" }, { F_COMPARE, "comparison options (--compare ...)" },
	{ F_KEEP, "--no-keep" }, { F_ID, "--id" }, { F_TEMPLATE, "--template" },
	{ F_TIME, "--since/--until" },
};

/* The command, checked against its operands and options. */
static int s_find_cmd(const opts_t *o, const command_t **cmd)
{
	bool known = false;
	if (!o->cmd)
		return cli_usage("no command", NULL);
	for (size_t i = 0; i < sizeof s_cmds / sizeof s_cmds[0]; i++) {
		const command_t *c = &s_cmds[i];
		if (strcmp(o->cmd, c->name))
			continue;
		known = true;
		if (!c->sub || (o->noperands && !strcmp(o->operands[0], c->sub)))
			*cmd = c;
	}
	if (known && !*cmd)		/* problem or session without its subcommand */
		return cli_usage(!strcmp(o->cmd, "session") ?
				 "session: new, edit, run, show, history, list or rm" :
				 "problem: import, show, list or verify",
				 o->noperands ? o->operands[0] : NULL);
	if (!*cmd)
		return cli_usage("unknown command", o->cmd);
	int skip = (*cmd)->sub ? 1 : 0, n = o->noperands - skip;
	if (n < (*cmd)->min)
		return cli_usage((*cmd)->need, o->cmd);
	if ((*cmd)->max >= 0 && n > (*cmd)->max)
		return cli_usage("too many arguments", o->operands[skip + (*cmd)->max]);
	for (size_t i = 0; i < sizeof s_flag_names / sizeof s_flag_names[0]; i++)
		if (o->seen & ~(*cmd)->allowed & s_flag_names[i].flag) {
			fprintf(stderr, "judgebox: %s%s%s does not take %s\n", o->cmd,
				skip ? " " : "", skip ? (*cmd)->sub : "", s_flag_names[i].name);
			fputs("Try 'judgebox --help'.\n", stderr);
			return RC_USAGE;
		}
	if (o->stdin_file && o->stdin_text)
		return cli_usage("-i and --stdin-text exclude each other", NULL);
	return RC_OK;
}

/* An input file (or directory) the command line names: there, readable
 * and of the right kind, or an error naming it, before any request. */
static int s_check_input(const char *path, bool dir)
{
	struct stat st;
	if (!strcmp(path, "-"))
		return RC_OK;
	if (stat(path, &st) || access(path, R_OK)) {
		fprintf(stderr, "judgebox: %s: %s\n", path, strerror(errno));
		return RC_USAGE;
	}
	if (dir != !!S_ISDIR(st.st_mode)) {
		fprintf(stderr, "judgebox: %s: %s\n", path, dir ? "not a directory" :
			"is a directory");
		return RC_USAGE;
	}
	return RC_OK;
}

/* The operands from which on a command's are its input files. */
static const struct {
	const char *name, *sub;
	int first;
} s_file_operands[] = {
	{ "run", NULL, 0 }, { "submit", NULL, 0 }, { "test", NULL, 0 }, { "judge", NULL, 1 },
	{ "session", "new", 1 }, { "session", "edit", 2 },
};

/* The command's input files, -i, --tests and --case: checked at once. */
static int s_check_inputs(const opts_t *o, const command_t *cmd)
{
	int rc = RC_OK, first = o->noperands;
	for (size_t i = 0; i < sizeof s_file_operands / sizeof *s_file_operands; i++)
		if (!strcmp(cmd->name, s_file_operands[i].name) &&
		    (!cmd->sub || !strcmp(cmd->sub, s_file_operands[i].sub)))
			first = s_file_operands[i].first;
	for (int i = first; i < o->noperands && rc == RC_OK; i++)
		rc = s_check_input(o->operands[i], false);
	if (rc == RC_OK && o->stdin_file)
		rc = s_check_input(o->stdin_file, false);
	for (int i = 0; i < o->ntsrc && rc == RC_OK; i++)
		if (o->tsrc[i].dir)
			rc = s_check_input(o->tsrc[i].dir, true);
		else if ((rc = s_check_input(o->tsrc[i].in, false)) == RC_OK)
			rc = s_check_input(o->tsrc[i].ans, false);
	return rc;
}

/* Parse, find the command, connect, run it; the exit status is its. */
int main(int argc, char **argv)
{
	cli_t x;
	const command_t *cmd = NULL;
	memset(&x, 0, sizeof x);
	int rc = s_parse(argc, argv, &x.o);
	if (rc == RC_OK && x.o.help)
		s_help();
	else if (rc == RC_OK && x.o.version)
		printf("judgebox %s (protocol v%d)\n", JUDGEBOX_VERSION, PROTO_V);
	else if (rc == RC_OK && (rc = s_find_cmd(&x.o, &cmd)) == RC_OK) {
		x.tty = isatty(STDERR_FILENO);
		x.files = x.o.operands;
		x.nfiles = x.o.noperands;
		rc = s_check_inputs(&x.o, cmd);
		if (rc == RC_OK)
			rc = conn_open(&x);
		if (rc == RC_OK)
			rc = cmd->fn(&x);
		conn_close(&x);
	}
	free(x.o.operands);
	free(x.o.tsrc);
	free(x.shown);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "judgebox: writing the output: %s\n", strerror(errno));
		rc = RC_INTERNAL;
	}
	return rc;
}
