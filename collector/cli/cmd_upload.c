/* SPDX-License-Identifier: MIT */
/* `nest-report upload BUNDLE --to URL`: send a bundle (and its signature)
 * to a support portal, an object store or an SFTP drop. */
#include "cmd_signals.h"
#include "commands.h"
#include "util/config.h"
#include "msg.h"
#include "upload_cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char upload_usage[] =
	"usage: nest-report upload BUNDLE --to URL [OPTIONS]\n"
	"\n"
	"Uploads BUNDLE and, when it exists, BUNDLE.sig.\n"
	"\n"
	"  https://HOST/PATH   PUT: the bundle to the URL, the signature to URL.sig\n"
	"                      (a URL ending in '/' gets the bundle's file name);\n"
	"                      POST: one multipart/form-data request with the bundle,\n"
	"                      the signature and manifest.json as separate parts\n"
	"  sftp://[USER@]HOST[:PORT]/PATH   over SSH, with the host-key and\n"
	"                      authentication rules of remote collection\n"
	"TLS certificates are always verified.  Plain http:// is refused unless you\n"
	"type it yourself, and even then no token is sent over it.\n"
	"\n"
	"options:\n"
	"      --to URL              where to (default: upload.url from the config file)\n"
	"      --method put|post     HTTP method (default: upload.method, else put)\n"
	"      --sig-to URL          PUT the signature here instead of URL.sig (a second\n"
	"                            presigned URL); same server as --to\n"
	"      --field [PART=]NAME   POST form field of a part: bundle=, signature=,\n"
	"                            manifest= (an empty NAME leaves that part out; a bare\n"
	"                            NAME names the bundle's); defaults: bundle, signature,\n"
	"                            manifest\n"
	"      --header 'NAME: VALUE'  extra request header (repeatable)\n"
	"      --token-file FILE     bearer token (else NEST_REPORT_TOKEN, else\n"
	"                            upload.token_file); never on the command line, and\n"
	"                            never to a presigned URL (X-Amz-Signature...)\n"
	"      --cacert FILE         trust this CA (PEM) instead of the system's\n"
	"                            (default: upload.cacert from the config file)\n"
	"      --retries N           retries on connection errors, stalls, 408, 429 and\n"
	"                            5xx, with backoff (default 5)\n"
	"      --json                print the result as JSON on stdout\n"
	"                            (schemas/upload-result.schema.json)\n"
	"  for sftp://:\n"
	"      --known-hosts FILE    instead of ~/.ssh/known_hosts\n"
	"      --accept-new-host-keys  record an unknown host key (never a changed one)\n"
	"      --identity FILE       private key to try before the defaults\n"
	"      --ssh-config FILE     instead of ~/.ssh/config\n"
	"      --connect-timeout SECS  (default 10 for ssh, 30 for https)\n"
	"  -q, --quiet               no progress; print only where it went\n"
	"  -v, --verbose\n"
	"  -h, --help                show this help\n"
	"\n"
	"exit status: 0 uploaded, 1 local error (file, URL, TLS trust), 2 usage error,\n"
	"4 the server refused it, 5 gave up after retries, 130 interrupted\n";

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, struct nr_upload_cli *c, const char **bundle)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "method", required_argument, NULL, 'm' },
		{ "sig-to", required_argument, NULL, 'S' },
		{ "field", required_argument, NULL, 'f' },
		{ "header", required_argument, NULL, 'H' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "cacert", required_argument, NULL, 'c' },
		{ "retries", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "accept-new-host-keys", no_argument, NULL, 'A' },
		{ "identity", required_argument, NULL, 'i' },
		{ "ssh-config", required_argument, NULL, 'F' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, bad = 0;
	char *end;

	opterr = 0;
	optind = 1;
	while (!bad && (opt = getopt_long(argc, argv, ":qvh", longopts, NULL)) != -1) {
		switch (opt) {
		case 't': c->url = optarg; break;
		case 'S': c->sig_url = optarg; break;
		case 'm': bad = nr_upload_cli_method(c, "upload", optarg); break;
		case 'f': bad = nr_upload_cli_field(c, "upload", optarg); break;
		case 'H': bad = nr_upload_cli_header(c, "upload", optarg); break;
		case 'T': c->token_file = optarg; break;
		case 'c': c->cacert = optarg; break;
		case 'r': bad = nr_upload_cli_retries(c, "upload", optarg); break;
		case 'j': c->json = true; break;
		case 'K': c->ssh.known_hosts = optarg; break;
		case 'A': c->ssh.accept_new_host_keys = true; break;
		case 'i': c->ssh.identity = optarg; break;
		case 'F': c->ssh.config_file = optarg; break;
		case 'C':
			c->ssh.connect_timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || !optarg[0] || c->ssh.connect_timeout_s <= 0 ||
			    c->ssh.connect_timeout_s > 3600) {
				nr_msg_usage("upload", "--connect-timeout wants seconds between 1 and 3600, "
				             "not '%s'", optarg);
				bad = 1;
			}
			break;
		case 'q': nr_msg_set_verbosity(NR_QUIET); break;
		case 'v': nr_msg_set_verbosity(NR_VERBOSE); break;
		case 'h': fputs(upload_usage, stdout); return NR_EXIT_OK;
		case ':':
			nr_msg_usage("upload", "option '%s' needs a value", argv[optind - 1]);
			return NR_EXIT_USAGE;
		default:
			nr_msg_usage("upload", "unknown option '%s'", argv[optind - 1]);
			return NR_EXIT_USAGE;
		}
	}
	if (bad)
		return NR_EXIT_USAGE;
	if (optind >= argc) {
		nr_msg_usage("upload", "which bundle? nest-report upload BUNDLE --to URL");
		return NR_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		nr_msg_usage("upload", "unexpected argument '%s'", argv[optind + 1]);
		return NR_EXIT_USAGE;
	}
	if (!c->url && !nr_config_get("upload.url")) {
		nr_msg_usage("upload", "where to? pass --to URL (or set upload.url in the config file)");
		return NR_EXIT_USAGE;
	}
	*bundle = argv[optind];
	return -1;
}

int nr_cmd_upload(int argc, char **argv)
{
	struct nr_upload_cli c;
	const char *bundle = NULL;
	int rc;

	nr_upload_cli_init(&c);
	rc = parse_args(argc, argv, &c, &bundle);
	if (rc >= 0)
		return rc;
	nr_cmd_signals_install();   /* Ctrl-C stops the transfer: exit 130 */
	return nr_upload_cli_run(&c, bundle, NULL);
}
