/* test_cc_scan.c - the fast line scanner (cc_scan.c) and the jansson path
 * (cc_json.c): edge cases, documented divergences.
 * The 100 MB line and the corpus differential run are in test_cc_scan_big.c.
 *
 * Every line is parsed from an exact-size heap copy so that AddressSanitizer
 * catches any read outside [line, line + len).
 */
#include "cc_scan_pair.h"

#define ASSISTANT_Q                                                                             \
	"{'parentUuid':'p1','isSidechain':true,'userType':'external','cwd':'/home/u/app',"     \
	"'sessionId':'s-1','version':'2.0.55','gitBranch':'main','agentId':'a1',"              \
	"'message':{'id':'msg_01','type':'message','role':'assistant','model':'claude-opus-4-5'," \
	"'content':[{'type':'thinking','thinking':'hmm','signature':'sig'},"                    \
	"{'type':'text','text':'hi'},"                                                         \
	"{'type':'tool_use','id':'toolu_1','name':'Bash','input':{'command':'ls',"             \
	"'type':'assistant','name':'Decoy','usage':{'output_tokens':999}}},"                   \
	"{'type':'tool_use','id':'toolu_2','name':'Read','input':{}}],"                         \
	"'stop_reason':'tool_use','stop_sequence':null,'usage':{'input_tokens':3,"             \
	"'cache_creation_input_tokens':100,'cache_read_input_tokens':2000,"                     \
	"'cache_creation':{'ephemeral_5m_input_tokens':40,'ephemeral_1h_input_tokens':60},"      \
	"'output_tokens':77,'service_tier':'standard','server_tool_use':{'web_search_requests':2}," \
	"'speed':'fast','inference_geo':'us'}},'requestId':'req_1','type':'assistant',"         \
	"'uuid':'u-1','timestamp':'2025-08-18T04:10:39.034Z','isApiErrorMessage':false,"       \
	"'toolUseResult':{'type':'text','name':'x','usage':{'input_tokens':-5}}}"

static void test_assistant_fields(void **st)
{
	struct both o;
	struct cc_record *r = &o.a;
	(void)st;
	ok_same(&o, ASSISTANT_Q);
	assert_int_equal(r->type, CC_ASSISTANT);
	assert_true(sl_is(r->type_raw, "assistant"));
	assert_true(sl_is(r->uuid, "u-1"));
	assert_true(sl_is(r->session_id, "s-1"));
	assert_true(sl_is(r->cwd, "/home/u/app"));
	assert_true(sl_is(r->git_branch, "main"));
	assert_true(sl_is(r->version, "2.0.55"));
	assert_true(sl_is(r->request_id, "req_1"));
	assert_true(sl_is(r->agent_id, "a1"));
	assert_true(r->has_ts);
	assert_int_equal(r->ts_ms, 1755490239034LL);
	assert_true(r->is_sidechain);
	assert_false(r->is_meta || r->is_api_error || r->is_compact_summary);
	assert_true(sl_is(r->msg_id, "msg_01"));
	assert_true(sl_is(r->model, "claude-opus-4-5"));
	assert_true(sl_is(r->role, "assistant"));
	assert_int_equal(r->user_kind, CC_USER_NONE);
	assert_true(r->has_usage && r->has_cw_split);
	assert_int_equal(r->input, 3);
	assert_int_equal(r->output, 77);
	assert_int_equal(r->cache_write, 100);
	assert_int_equal(r->cache_read, 2000);
	assert_int_equal(r->cw_5m, 40);
	assert_int_equal(r->cw_1h, 60);
	assert_int_equal(r->web_search, 2);
	assert_true(sl_is(r->service_tier, "standard"));
	assert_true(sl_is(r->speed, "fast"));
	/* decoy type/name/usage inside the tool input and toolUseResult ignored */
	assert_int_equal(r->n_tools, 2);
	assert_int_equal(r->n_tools_dropped, 0);
	assert_true(sl_is(r->tools[0].id, "toolu_1") && sl_is(r->tools[0].name, "Bash"));
	assert_true(sl_is(r->tools[1].id, "toolu_2") && sl_is(r->tools[1].name, "Read"));
	both_done(&o);
}

static void test_user_kinds(void **st)
{
	static const struct {
		const char *q;
		enum cc_type type;
		enum cc_user_kind kind;
	} c[] = {
		{ "{'type':'user','message':{'role':'user','content':'hello'}}", CC_USER, CC_USER_PROMPT },
		{ "{'message':{'content':'hello'},'type':'user'}", CC_USER, CC_USER_PROMPT },
		{ "{'type':'user','message':{'content':[{'type':'text','text':'x'}]}}", CC_USER,
		  CC_USER_PROMPT },
		{ "{'type':'user','message':{'content':[{'type':'image','source':{}}]}}", CC_USER,
		  CC_USER_PROMPT },
		{ "{'type':'user','message':{'content':[{'tool_use_id':'t','type':'tool_result',"
		  "'content':[{'type':'text','text':'out'}]}]}}",
		  CC_USER, CC_USER_TOOL_RESULT },
		{ "{'type':'user','message':{'content':[{'type':'tool_result'},{'type':'text'}]}}",
		  CC_USER, CC_USER_PROMPT },
		{ "{'type':'user','message':{'content':[]}}", CC_USER, CC_USER_NONE },
		{ "{'type':'user','message':{'content':[1,'x',null,{'type':'thinking'}]}}", CC_USER,
		  CC_USER_NONE },
		{ "{'type':'user','message':{'content':null}}", CC_USER, CC_USER_NONE },
		{ "{'type':'user'}", CC_USER, CC_USER_NONE },
		{ "{'type':'assistant','message':{'content':'hello'}}", CC_ASSISTANT, CC_USER_NONE },
		{ "{'type':'system','content':'x','message':{'content':[{'type':'text'}]}}", CC_OTHER,
		  CC_USER_NONE },
		/* last duplicate "content" wins */
		{ "{'type':'user','message':{'content':'p','content':[{'type':'tool_result'}]}}",
		  CC_USER, CC_USER_TOOL_RESULT },
	};
	(void)st;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct both o;
		ok_same(&o, c[i].q);
		assert_int_equal(o.a.type, c[i].type);
		assert_int_equal(o.a.user_kind, c[i].kind);
		both_done(&o);
	}
}

static void test_escaped_keys_and_values(void **st)
{
	struct both o;
	(void)st;
	ok_same(&o, "{'typ\\u0065':'\\u0075ser','m\\u0065ssage':{'\\u0075sage':{"
		    "'output\\u005ftokens':5},'content':[{'type':'tool\\u005fuse','id':'a\\/b',"
		    "'n\\u0061me':'B\\u00e9\\ud83d\\ude00'}]},'cwd':'C:\\\\Users\\\\me\\n\\t\\\"q\\\"',"
		    "'sessionId':'\\u65e5\\u672c'}");
	assert_int_equal(o.a.type, CC_USER);
	assert_true(o.a.has_usage);
	assert_int_equal(o.a.output, 5);
	assert_int_equal(o.a.n_tools, 1);
	assert_true(sl_is(o.a.tools[0].id, "a/b"));
	assert_true(sl_is(o.a.tools[0].name, "B\xc3\xa9\xf0\x9f\x98\x80"));
	assert_true(sl_is(o.a.cwd, "C:\\Users\\me\n\t\"q\""));
	assert_true(sl_is(o.a.session_id, "\xe6\x97\xa5\xe6\x9c\xac"));
	both_done(&o);
	/* an escaped key that does not unescape to a known key is not one */
	ok_same(&o, "{'type\\u0020':'user','\\u0074ype ':'x','TYPE':'user'}");
	assert_int_equal(o.a.type, CC_OTHER);
	assert_int_equal(o.a.type_raw.n, 0);
	both_done(&o);
}

static void test_lone_surrogates(void **st)
{
	struct both o;
	char *l;
	(void)st;
	/* in a captured field: U+FFFD; jansson rejects the line (documented) */
	l = jq("{'type':'user','sessionId':'a\\ud83db','uuid':'\\udc00','cwd':'\\ud83d\\u0041',"
	       "'version':'\\ud83d\\ud83d\\ude00'}");
	scan_only(&o, l, strlen(l), "invalid Unicode");
	assert_true(sl_is(o.a.session_id, "a\xef\xbf\xbd" "b"));
	assert_true(sl_is(o.a.uuid, "\xef\xbf\xbd"));
	assert_true(sl_is(o.a.cwd, "\xef\xbf\xbd" "A"));
	assert_true(sl_is(o.a.version, "\xef\xbf\xbd\xf0\x9f\x98\x80"));
	both_done(&o);
	free(l);
	/* in skipped text (a tool output): the line survives */
	l = jq("{'type':'user','message':{'content':[{'type':'tool_result','content':"
	       "'cut emoji \\ud83d'}]},'toolUseResult':{'stdout':'\\udfff'}}");
	scan_only(&o, l, strlen(l), "invalid Unicode");
	assert_int_equal(o.a.user_kind, CC_USER_TOOL_RESULT);
	both_done(&o);
	free(l);
	/* a proper pair is fine for both */
	ok_same(&o, "{'type':'user','uuid':'\\uD83D\\uDE00'}");
	assert_true(sl_is(o.a.uuid, "\xf0\x9f\x98\x80"));
	both_done(&o);
}

static void test_nul_escape(void **st)
{
	struct both o;
	char *l;
	(void)st;
	ok_same(&o, "{'type':'user','uuid':'a\\u0000b','message':{'content':'\\u0000'}}");
	assert_int_equal(o.a.uuid.n, 3);
	assert_memory_equal(o.a.uuid.p, "a\0b", 3);
	assert_int_equal(o.a.user_kind, CC_USER_PROMPT);
	both_done(&o);
	/* a key holding \u0000: jansson refuses it even with JSON_ALLOW_NUL */
	l = jq("{'type':'user','type\\u0000':'assistant','x\\u0000y':1}");
	scan_only(&o, l, strlen(l), "NUL byte in object key");
	assert_int_equal(o.a.type, CC_USER);
	both_done(&o);
	free(l);
	/* a raw NUL byte is a control character */
	bad_both_n("{\"type\":\"us\0er\"}", 15, "control character");
	bad_both_n("{\"type\":\"user\"}\0", 16, "unexpected data");
	/* jansson alone would drop a NUL that follows a literal or a number */
	bad_both_n("{\"a\":null\0}", 11, "expected ',' or '}'");
	bad_both_n("{\"a\":[1\0]}", 10, "expected ',' or ']'");
}

static void test_usage_counts(void **st)
{
	static const struct {
		const char *val;
		const char *err; /* NULL: accepted with value v */
		int64_t v;
	} c[] = {
		{ "0", NULL, 0 }, { "-0", NULL, 0 }, { "null", NULL, 0 },
		{ "9223372036854775807", NULL, INT64_MAX }, { "123", NULL, 123 },
		{ "9223372036854775808", "message.usage.output_tokens: integer out of range", 0 },
		{ "99999999999999999999999", "message.usage.output_tokens: integer out of range", 0 },
		{ "-1", "message.usage.output_tokens: integer out of range", 0 },
		{ "-9223372036854775808", "message.usage.output_tokens: integer out of range", 0 },
		{ "1.0", "message.usage.output_tokens: not an integer", 0 },
		{ "1e2", "message.usage.output_tokens: not an integer", 0 },
		{ "-0.0", "message.usage.output_tokens: not an integer", 0 },
		{ "'5'", "message.usage.output_tokens: not an integer", 0 },
		{ "true", "message.usage.output_tokens: not an integer", 0 },
		{ "{}", "message.usage.output_tokens: not an integer", 0 },
		{ "[1]", "message.usage.output_tokens: not an integer", 0 },
	};
	(void)st;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		char q[300];
		snprintf(q, sizeof(q), "{'type':'assistant','message':{'usage':{'input_tokens':1,"
				       "'output_tokens':%s}}}", c[i].val);
		if (c[i].err) {
			bad_both(q, c[i].err);
		} else {
			struct both o;
			ok_same(&o, q);
			assert_true(o.a.has_usage);
			assert_int_equal(o.a.output, c[i].v);
			both_done(&o);
		}
	}
	/* every count field is named */
	bad_both("{'message':{'usage':{'cache_creation':{'ephemeral_1h_input_tokens':-2}}}}",
		 "message.usage.cache_creation.ephemeral_1h_input_tokens: integer out of range");
	bad_both("{'message':{'usage':{'server_tool_use':{'web_search_requests':0.5}}}}",
		 "message.usage.server_tool_use.web_search_requests: not an integer");
	bad_both("{'message':{'usage':{'cache_read_input_tokens':'x'}}}",
		 "message.usage.cache_read_input_tokens: not an integer");
	/* error lines set usage fields to null */
	{
		struct both o;
		ok_same(&o, "{'type':'assistant','isApiErrorMessage':true,'message':{'model':"
			    "'<synthetic>','usage':{'input_tokens':null,'output_tokens':null,"
			    "'cache_creation_input_tokens':null,'cache_read_input_tokens':null,"
			    "'cache_creation':null,'server_tool_use':null,'service_tier':null,"
			    "'speed':null}}}");
		assert_true(o.a.has_usage && o.a.is_api_error);
		assert_false(o.a.has_cw_split);
		assert_int_equal(o.a.input + o.a.output + o.a.cache_read + o.a.cache_write, 0);
		assert_int_equal(o.a.service_tier.n, 0);
		both_done(&o);
	}
}

static void test_big_ints_elsewhere(void **st)
{
	struct both o;
	char *l;
	(void)st;
	/* outside usage counts big integers are fine for the scanner; jansson
	 * rejects them anywhere (documented divergence) */
	l = jq("{'type':'user','toolUseResult':{'numLines':123456789012345678901234567890,"
	       "'n':-99999999999999999999},'message':{'content':'x'}}");
	scan_only(&o, l, strlen(l), "too big");
	assert_int_equal(o.a.user_kind, CC_USER_PROMPT);
	both_done(&o);
	free(l);
	l = jq("{'type':'user','x':1e400}");
	scan_only(&o, l, strlen(l), "real number overflow");
	both_done(&o);
	free(l);
	ok_same(&o, "{'type':'user','x':[1e-400,-0,0.5,1E+2,-12.5e-3,9223372036854775807]}");
	both_done(&o);
}

static void test_truncated(void **st)
{
	char *l = jq(ASSISTANT_Q);
	size_t n = strlen(l);
	(void)st;
	for (size_t k = 0; k < n; k++)
		bad_both_n(l, k, NULL);
	free(l);
	bad_both("", "empty line");
	bad_both("   ", "empty line");
}

static void test_glued_and_top_level(void **st)
{
	struct both o;
	char *l = jq("{'type':'user','uuid':'1'}{'type':'user','uuid':'2'}");
	(void)st;
	run_both(&o, l, strlen(l));
	assert_int_equal(o.rs, AIU_EPARSE);
	assert_int_equal(o.rj, AIU_EPARSE);
	assert_int_equal(o.ea.column, 27);
	assert_int_equal(o.eb.column, 27);
	assert_non_null(strstr(o.ea.msg, "unexpected data after the object"));
	both_done(&o);
	free(l);
	bad_both("{'a':1} x", "unexpected data");
	bad_both("{'a':1},", "unexpected data");
	bad_both("[{'type':'user'}]", "expected '{'");
	bad_both("'user'", "expected '{'");
	bad_both("null", "expected '{'");
	bad_both("\xef\xbb\xbf{}", "expected '{'"); /* BOM */
	ok_same(&o, " \t{'type':'user'} \r");
	assert_int_equal(o.a.type, CC_USER);
	both_done(&o);
	ok_same(&o, "{ 'type' : 'user' , 'message' : { 'content' : [ { 'type' : 'text' } ] } }");
	assert_int_equal(o.a.user_kind, CC_USER_PROMPT);
	both_done(&o);
}

static void test_grammar(void **st)
{
	static const char *const bad[] = {
		"{'a':01}", "{'a':1.}", "{'a':.5}", "{'a':-}", "{'a':+1}", "{'a':1e}", "{'a':1e+}",
		"{'a':0x1}", "{'a':NaN}", "{'a':Infinity}", "{'a':tru}", "{'a':truex}", "{'a':nul}",
		"{'a':[1,]}", "{'a':[,1]}", "{'a':1,}", "{,'a':1}", "{'a' 1}", "{'a'::1}", "{a:1}",
		"{'a':'x\\q'}", "{'a':'\\u12G4'}", "{'a':'\\u12'}", "{'a':'\\", "{'a':[1 2]}",
		"{'a':{'b':1 'c':2}}", "{'a':'x'", "{'a':", "{'a'", "{'", "{", "{'a':1}}",
		"{'a':[}", "{'a':]}", "{1:2}", "{'a':'x','b'}", "{'type':'user','message':{'content':[{]}}",
		"{'message':{'usage':{'output_tokens':01}}}", "{'message':{'content':[1,]}}",
		"{'a':-01}", "{'a':'\\U0041'}", "{'a':'\\'}", "{'a':\x7f}",
	};
	static const char *const good[] = {
		"{}", "{'a':{}}", "{'a':[]}", "{'a':[[],{},[{}]]}", "{'a':''}", "{'':1}",
		"{'a':'\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00aF'}", "{'a':true,'b':false,'c':null}",
		"{'a':-0.0e-0}", "{'a':'\x7f'}",
	};
	(void)st;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		bad_both(bad[i], NULL);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct both o;
		ok_same(&o, good[i]);
		both_done(&o);
	}
}

static void test_utf8_and_controls(void **st)
{
	static const char *const bad_seq[] = {
		"\x80", "\xbf", "\xc0\x80", "\xc1\xbf", "\xc2", "\xc2\x41", "\xe0\x80\x80",
		"\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x82", "\xf0\x80\x80\x80",
		"\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xfe",
		"\xf0\x9f\x98", "\x01", "\x09", "\x0a", "\x1f",
	};
	static const char *const good_seq[] = {
		"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
		"\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\x7f", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	};
	char line[300];
	(void)st;
	/* at every offset around the 32- and 64-byte block edges, captured or not */
	for (size_t pad = 0; pad < 140; pad += (pad < 20 || (pad > 50 && pad < 80) ? 1 : 7)) {
		for (int cap = 0; cap < 2; cap++) {
			for (size_t i = 0; i < sizeof(bad_seq) / sizeof(bad_seq[0]); i++) {
				int n = snprintf(line, sizeof(line), "{\"%s\":\"%.*s%s\",\"b\":1}",
						 cap ? "uuid" : "x", (int)pad,
						 "......................................................"
						 "......................................................"
						 "................................",
						 bad_seq[i]);
				bad_both_n(line, (size_t)n, NULL);
			}
			for (size_t i = 0; i < sizeof(good_seq) / sizeof(good_seq[0]); i++) {
				struct both o;
				int n = snprintf(line, sizeof(line), "{\"%s\":\"\\n\\\\\\\"%.*s%s\",\"b\":1}",
						 cap ? "uuid" : "x", (int)pad,
						 "......................................"
						 "......................................................"
						 ".......................................................",
						 good_seq[i]);
				ok_same_n(&o, line, (size_t)n);
				both_done(&o);
			}
		}
	}
	/* raw bytes >= 0x80 outside strings */
	bad_both("{'a':1\xc3\xa9}", NULL);
	bad_both("{\xc3\xa9:1}", NULL);
}

/* Runs of backslashes and quotes across block edges: both must agree. */
static void test_escape_runs(void **st)
{
	char body[200], line[300];
	(void)st;
	srand(7);
	for (int it = 0; it < 4000; it++) {
		size_t n = (size_t)(rand() % 150), k = 0;
		struct both o;
		int len;
		while (k < n) {
			int r = rand() % 10;
			if (r < 3) {
				body[k++] = '\\';
				body[k++] = '\\';
			} else if (r < 5) {
				body[k++] = '\\';
				body[k++] = "\"nt/bfr"[rand() % 7];
			} else if (r < 6 && k + 6 < sizeof(body)) {
				memcpy(body + k, "\\u001b", 6);
				k += 6;
			} else {
				body[k++] = (char)('a' + rand() % 26);
			}
		}
		if (rand() % 4 == 0 && k) /* sometimes break it */
			body[rand() % k] = "\\\"\x01"[rand() % 3];
		len = snprintf(line, sizeof(line), "{\"type\":\"user\",\"%s\":\"%.*s\"}",
			       it % 2 ? "uuid" : "x", (int)k, body);
		run_both(&o, line, (size_t)len);
		if ((o.rs == 0) != (o.rj == 0))
			fail_msg("disagree (scan %d, json %d '%s'): %s", o.rs, o.rj, o.eb.msg, line);
		if (o.rs == 0 && rec_diff(&o.a, &o.b))
			fail_msg("records differ in %s: %s", rec_diff(&o.a, &o.b), line);
		both_done(&o);
	}
}

static void build_nest(char *out, size_t cap, const char *pre, unsigned n, const char *post)
{
	size_t k = strlen(pre), m = strlen(post);
	assert_true(k + 2 * n + m + 1 < cap);
	memcpy(out, pre, k);
	memset(out + k, '[', n);
	memset(out + k + n, ']', n);
	memcpy(out + k + 2 * n, post, m + 1);
}

static void test_deep_nesting(void **st)
{
	/* prefix depth (containers open before the run of arrays) -> path */
	static const struct {
		const char *pre, *post;
		unsigned open;
	} c[] = {
		{ "{\"x\":", "}", 1 },                                        /* skipped */
		{ "{\"toolUseResult\":{\"a\":", "}}", 2 },                   /* skipped */
		{ "{\"message\":{\"content\":", "}}", 2 },                  /* content array */
		{ "{\"message\":{\"content\":[{\"input\":", "}]}}", 4 },   /* in a block */
		{ "{\"message\":{\"usage\":{\"x\":", "}}}", 3 },            /* usage */
		{ "{\"message\":{\"usage\":{\"cache_creation\":{\"x\":", "}}}}", 4 },
	};
	static char line[4096];
	(void)st;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct both o;
		unsigned fits = CC_SCAN_MAX_DEPTH - c[i].open;
		build_nest(line, sizeof(line), c[i].pre, fits, c[i].post);
		ok_same_n(&o, line, strlen(line));
		both_done(&o);
		build_nest(line, sizeof(line), c[i].pre, fits + 1, c[i].post);
		bad_both_n(line, strlen(line), "nesting too deep");
	}
	/* far deeper than jansson's own limit, and unbalanced */
	memset(line, '[', sizeof(line) - 1);
	line[0] = '{';
	bad_both_n(line, sizeof(line) - 1, NULL);
}

static void test_duplicates(void **st)
{
	struct both o;
	(void)st;
	ok_same(&o, "{'type':'assistant','type':'user','uuid':'a','uuid':5,'isMeta':true,"
		    "'isMeta':'yes','timestamp':'bad','timestamp':'2025-01-01T00:00:00Z'}");
	assert_int_equal(o.a.type, CC_USER);
	assert_int_equal(o.a.uuid.n, 0);
	assert_false(o.a.is_meta);
	assert_true(o.a.has_ts);
	assert_int_equal(o.a.ts_ms, 1735689600000LL);
	both_done(&o);
	/* a second "message" replaces the whole first one, bad counts included */
	ok_same(&o, "{'message':{'id':'m1','model':'x','usage':{'output_tokens':-1},"
		    "'content':[{'type':'tool_use','id':'t1','name':'A'}]},"
		    "'message':{'id':'m2','role':'assistant'}}");
	assert_true(sl_is(o.a.msg_id, "m2"));
	assert_int_equal(o.a.model.n, 0);
	assert_false(o.a.has_usage);
	assert_int_equal(o.a.n_tools, 0);
	both_done(&o);
	ok_same(&o, "{'message':{'usage':{'output_tokens':-1,'speed':'fast','cache_creation':{"
		    "'ephemeral_5m_input_tokens':1}},'usage':null}}");
	assert_false(o.a.has_usage || o.a.has_cw_split);
	assert_int_equal(o.a.speed.n, 0);
	both_done(&o);
	ok_same(&o, "{'message':{'usage':{'output_tokens':'x','output_tokens':4,"
		    "'cache_creation':{'ephemeral_5m_input_tokens':1},'cache_creation':{}}}}");
	assert_int_equal(o.a.output, 4);
	assert_true(o.a.has_cw_split);
	assert_int_equal(o.a.cw_5m, 0);
	both_done(&o);
	ok_same(&o, "{'message':{'content':[{'type':'tool_use','type':'text','id':'a',"
		    "'name':'x'},{'name':'n1','type':'tool_use','id':'i1','name':'n2','id':7}]}}");
	assert_int_equal(o.a.n_tools, 1);
	assert_true(sl_is(o.a.tools[0].name, "n2"));
	assert_int_equal(o.a.tools[0].id.n, 0);
	both_done(&o);
	bad_both("{'timestamp':'2025-01-01T00:00:00Z','timestamp':'yesterday'}",
		 "timestamp: not an RFC 3339 date-time");
}

static void test_wrong_types(void **st)
{
	struct both o;
	(void)st;
	ok_same(&o, "{'type':5,'sessionId':5,'uuid':null,'cwd':['/x'],'gitBranch':{},"
		    "'isSidechain':'true','isMeta':null,'isApiErrorMessage':1,"
		    "'isCompactSummary':true,'timestamp':1700000000,'requestId':false}");
	assert_int_equal(o.a.type, CC_OTHER);
	assert_int_equal(o.a.type_raw.n + o.a.session_id.n + o.a.uuid.n + o.a.cwd.n +
				 o.a.git_branch.n + o.a.request_id.n,
			 0);
	assert_false(o.a.is_sidechain || o.a.is_meta || o.a.is_api_error || o.a.has_ts);
	assert_true(o.a.is_compact_summary);
	both_done(&o);
	ok_same(&o, "{'type':'assistant','message':'hello'}");
	assert_false(o.a.has_usage);
	both_done(&o);
	ok_same(&o, "{'type':'assistant','message':{'id':1,'model':null,'usage':[],"
		    "'content':{'type':'tool_use'}}}");
	assert_false(o.a.has_usage);
	assert_int_equal(o.a.n_tools + o.a.msg_id.n + o.a.model.n, 0);
	both_done(&o);
	ok_same(&o, "{'message':{'usage':{'cache_creation':5,'server_tool_use':[],"
		    "'service_tier':1,'speed':true}}}");
	assert_true(o.a.has_usage);
	assert_false(o.a.has_cw_split);
	assert_int_equal(o.a.service_tier.n + o.a.speed.n, 0);
	both_done(&o);
	ok_same(&o, "{'message':{'content':[{'type':5},{'type':'tool_use','id':7,'name':null}]}}");
	assert_int_equal(o.a.n_tools, 1);
	assert_int_equal(o.a.tools[0].id.n + o.a.tools[0].name.n, 0);
	both_done(&o);
}

static void test_timestamps(void **st)
{
	struct both o;
	(void)st;
	ok_same(&o, "{'timestamp':'2025-08-18T04:10:39.034567+02:00'}");
	assert_int_equal(o.a.ts_ms, 1755483039034LL);
	both_done(&o);
	ok_same(&o, "{'timestamp':'\\u0032025-08-18T04:10:39Z'}");
	assert_int_equal(o.a.ts_ms, 1755490239000LL);
	both_done(&o);
	bad_both("{'timestamp':'2025-13-01T00:00:00Z'}", "timestamp: not an RFC 3339 date-time");
	bad_both("{'timestamp':''}", "timestamp: not an RFC 3339");
	bad_both("{'timestamp':'2025-08-18T04:10:39'}", "timestamp: not an RFC 3339");
	ok_same(&o, "{'type':'summary','summary':'s','leafUuid':'l'}");
	assert_false(o.a.has_ts);
	both_done(&o);
}

static void test_string_caps(void **st)
{
	size_t cap = CC_SCAN_MAX_STR;
	char *l = malloc(cap * 6 + 100);
	size_t n;
	struct both o;
	(void)st;
	assert_non_null(l);
	n = (size_t)snprintf(l, 100, "{\"sessionId\":\"");
	memset(l + n, 'a', cap);
	memcpy(l + n + cap, "\"}", 3);
	ok_same_n(&o, l, strlen(l));
	assert_int_equal(o.a.session_id.n, cap);
	both_done(&o);
	memset(l + n, 'a', cap + 1);
	memcpy(l + n + cap + 1, "\"}", 3);
	bad_both_n(l, strlen(l), "sessionId: string too long");
	/* the cap is on the unescaped length */
	for (size_t i = 0; i < cap; i++)
		memcpy(l + n + 6 * i, "\\u0041", 6);
	memcpy(l + n + 6 * cap, "\"}", 3);
	ok_same_n(&o, l, strlen(l));
	assert_int_equal(o.a.session_id.n, cap);
	both_done(&o);
	memcpy(l + n + 6 * cap, "\\n\"}", 5);
	bad_both_n(l, strlen(l), "sessionId: string too long");
	/* tool names, with the block's index */
	n = (size_t)snprintf(l, 100, "{\"message\":{\"content\":[1,{\"type\":\"tool_use\",\"name\":\"");
	memset(l + n, 'b', cap + 1);
	memcpy(l + n + cap + 1, "\"}]}}", 6);
	bad_both_n(l, strlen(l), "message.content[1].name: string too long");
	/* long uncaptured strings are fine */
	n = (size_t)snprintf(l, 100, "{\"summary\":\"");
	memset(l + n, 'c', cap * 5);
	memcpy(l + n + cap * 5, "\"}", 3);
	ok_same_n(&o, l, strlen(l));
	both_done(&o);
	free(l);
}

static void test_tools_cap(void **st)
{
	char *l = malloc(70 * 64 + 100);
	size_t n;
	struct both o;
	(void)st;
	assert_non_null(l);
	n = (size_t)snprintf(l, 100, "{\"type\":\"assistant\",\"message\":{\"content\":[");
	for (int i = 0; i < 70; i++)
		n += (size_t)snprintf(l + n, 64, "%s{\"type\":\"tool_use\",\"id\":\"t%d\",\"name\":\"N\"}",
				      i ? "," : "", i);
	memcpy(l + n, "]}}", 4);
	ok_same_n(&o, l, strlen(l));
	assert_int_equal(o.a.n_tools, CC_MAX_TOOLS);
	assert_int_equal(o.a.n_tools_dropped, 70 - CC_MAX_TOOLS);
	assert_true(sl_is(o.a.tools[63].id, "t63"));
	both_done(&o);
	free(l);
}

static void test_streamed_assistant(void **st)
{
	static const char *const lines[] = {
		"{'parentUuid':'u0','isSidechain':false,'type':'assistant','uuid':'u1',"
		"'timestamp':'2025-10-01T10:00:00.000Z','requestId':'req_9','message':{'id':'msg_9',"
		"'model':'claude-sonnet-4-5-20250929','role':'assistant','content':[{'type':'thinking',"
		"'thinking':'Let me look.\\n','signature':'EqQBCkY'}],'usage':{'input_tokens':10,"
		"'cache_creation_input_tokens':0,'cache_read_input_tokens':5,'output_tokens':8}}}",
		"{'parentUuid':'u1','isSidechain':false,'type':'assistant','uuid':'u2',"
		"'timestamp':'2025-10-01T10:00:01.000Z','requestId':'req_9','message':{'id':'msg_9',"
		"'model':'claude-sonnet-4-5-20250929','role':'assistant','content':[{'type':'text',"
		"'text':'Reading the file.'}],'usage':{'input_tokens':10,"
		"'cache_creation_input_tokens':0,'cache_read_input_tokens':5,'output_tokens':8}}}",
		"{'parentUuid':'u2','isSidechain':false,'type':'assistant','uuid':'u3',"
		"'timestamp':'2025-10-01T10:00:02.000Z','requestId':'req_9','message':{'id':'msg_9',"
		"'model':'claude-sonnet-4-5-20250929','role':'assistant','content':[{'type':'tool_use',"
		"'id':'toolu_9','name':'Read','input':{'file_path':'/a.c'}}],'usage':{'input_tokens':10,"
		"'cache_creation_input_tokens':0,'cache_read_input_tokens':5,'output_tokens':120}}}",
	};
	(void)st;
	for (int i = 0; i < 3; i++) {
		struct both o;
		ok_same(&o, lines[i]);
		assert_int_equal(o.a.type, CC_ASSISTANT);
		assert_true(sl_is(o.a.msg_id, "msg_9") && sl_is(o.a.request_id, "req_9"));
		assert_int_equal(o.a.n_tools, i == 2 ? 1 : 0);
		assert_int_equal(o.a.output, i == 2 ? 120 : 8);
		assert_true(o.a.has_usage && !o.a.has_cw_split);
		both_done(&o);
	}
}

/* One handcrafted line per record type seen in real transcripts. */
static void test_record_types(void **st)
{
	static const struct {
		const char *q, *type;
		bool ts;
	} c[] = {
		{ "{'type':'summary','summary':'CSS fix','leafUuid':'f2'}", "summary", false },
		{ "{'type':'file-history-snapshot','messageId':'m','snapshot':{'messageId':'m',"
		  "'trackedFileBackups':{},'timestamp':'2026-04-18T13:18:42.474Z'},"
		  "'isSnapshotUpdate':false}", "file-history-snapshot", false },
		{ "{'parentUuid':null,'isSidechain':false,'type':'system','subtype':"
		  "'stop_hook_summary','hookInfos':[{'command':'x','durationMs':102}],'level':"
		  "'suggestion','timestamp':'2026-04-18T13:34:49.781Z','uuid':'u'}", "system", true },
		{ "{'type':'queue-operation','operation':'enqueue','timestamp':"
		  "'2025-11-17T23:50:06.046Z','content':[{'type':'text','text':'/init'}],"
		  "'sessionId':'s'}", "queue-operation", true },
		{ "{'type':'progress','data':{'type':'hook_progress','hookName':'S'},"
		  "'timestamp':'2026-01-01T00:00:00Z','sessionId':'s'}", "progress", true },
		{ "{'parentUuid':null,'attachment':{'type':'hook_success','content':'','exitCode':0},"
		  "'type':'attachment','timestamp':'2026-01-01T00:00:00Z'}", "attachment", true },
		{ "{'type':'permission-mode','permissionMode':'acceptEdits','sessionId':'s'}",
		  "permission-mode", false },
		{ "{'type':'last-prompt','lastPrompt':'say \\'hi\\'','sessionId':'s'}", "last-prompt",
		  false },
		{ "{'type':'ai-title','title':'t','sessionId':'s'}", "ai-title", false },
		{ "{'type':'user','isCompactSummary':true,'isMeta':false,'message':{'role':'user',"
		  "'content':'This session is being continued'},'timestamp':'2026-01-01T00:00:00Z'}",
		  "user", true },
	};
	(void)st;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct both o;
		ok_same(&o, c[i].q);
		assert_true(sl_is(o.a.type_raw, c[i].type));
		assert_int_equal(o.a.has_ts, c[i].ts);
		if (strcmp(c[i].type, "user") != 0)
			assert_int_equal(o.a.type, CC_OTHER);
		both_done(&o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assistant_fields),
		cmocka_unit_test(test_user_kinds),
		cmocka_unit_test(test_escaped_keys_and_values),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_nul_escape),
		cmocka_unit_test(test_usage_counts),
		cmocka_unit_test(test_big_ints_elsewhere),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_glued_and_top_level),
		cmocka_unit_test(test_grammar),
		cmocka_unit_test(test_utf8_and_controls),
		cmocka_unit_test(test_escape_runs),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_string_caps),
		cmocka_unit_test(test_tools_cap),
		cmocka_unit_test(test_streamed_assistant),
		cmocka_unit_test(test_record_types),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
