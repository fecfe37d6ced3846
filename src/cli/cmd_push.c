/* cmd_push.c - `aiusage push --server URL --token T [--include-paths]`:
 * sends this machine's new deduplicated usage records to a team server
 * (ingest/push.h). Without --server/--token the [push] section of the
 * config file gives them (server, token; AIUSAGE_PUSH_TOKEN overrides the
 * token). The token is never printed. Syncs local transcripts first unless --no-sync. */
#include "cli/cli.h"
#include "core/config.h"
#include "ingest/push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_push(struct cli_ctx *c)
{
	struct aiu_err err = { 0 };
	struct push_opts o;
	struct push_stats st;
	struct aiu_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	memset(&o, 0, sizeof(o));
	/* --server/--token, else the [push] section (AIUSAGE_PUSH_TOKEN overrides its token) */
	if (!cfg) {
		rc = aiu_errf(&err, AIU_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = config_load(cfg, c->config_file, &err)) < 0)
		goto out;
	o.server = c->server ? c->server : (cfg->push_server[0] ? cfg->push_server : NULL);
	o.token = c->token ? c->token : (cfg->push_token[0] ? cfg->push_token : NULL);
	o.include_paths = c->include_paths;
	o.log = c->quiet ? NULL : stderr;
	if ((rc = cli_open_store(c, &err)) < 0)
		goto out;
	if (!c->no_sync && (rc = cli_sync(c, false, &err)) < 0)
		goto out;
	if ((rc = push_run(c->store, &o, &st, &err)) < 0)
		goto out;
	if (c->json)
		printf("{\"scanned\":%lld,\"sent\":%lld,\"batches\":%lld,\"new\":%lld,\"replaced\":%lld,"
		       "\"duplicate\":%lld,\"rejected\":%lld,\"sessionsSent\":%lld,"
		       "\"sessionsUpdated\":%lld,\"sessionsUnknown\":%lld}\n",
		       (long long)st.scanned, (long long)st.sent, (long long)st.batches,
		       (long long)st.server_new, (long long)st.server_replaced,
		       (long long)st.server_duplicate, (long long)st.server_rejected,
		       (long long)st.sessions_sent, (long long)st.sessions_updated,
		       (long long)st.sessions_unknown);
	else if (!c->quiet)
		printf("push: %lld records scanned, %lld sent in %lld batches; server: %lld new, "
		       "%lld replaced, %lld duplicate, %lld rejected; prompt counts of %lld sessions "
		       "sent (%lld raised)\n",
		       (long long)st.scanned, (long long)st.sent, (long long)st.batches,
		       (long long)st.server_new, (long long)st.server_replaced,
		       (long long)st.server_duplicate, (long long)st.server_rejected,
		       (long long)st.sessions_sent, (long long)st.sessions_updated);
	if (st.server_rejected)
		rc = AIU_EPARSE;
out:
	if (cfg)
		memset(cfg, 0, sizeof(*cfg)); /* holds secrets */
	free(cfg);
	if (rc < 0) {
		if (err.msg[0])
			fprintf(stderr, "aiusage: %s\n", err.msg);
		return 1;
	}
	return 0;
}
