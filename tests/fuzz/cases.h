/*
 * Baselines that must be refused, each with a reason to print: shared by the
 * unit tests (the parser), the integration tests (vmtrace diff and check exit
 * 2 with one line) and the fuzz target's seed corpus (make fuzz-corpus).
 */
#ifndef VMT_BASELINE_CASES_H
#define VMT_BASELINE_CASES_H

#define BL_CTR(v) "{\"faults\":" v ",\"minor\":" v ",\"major\":" v ",\"read\":" v \
	",\"write\":" v ",\"exec\":" v ",\"wp\":" v ",\"errors\":" v \
	",\"kernel_mode\":" v ",\"cow\":" v ",\"readin\":" v ",\"sigbus\":" v ",\"oom\":" v "}"
#define BL_ROW(label, perms, pos, ctr) "{\"command\":\"app\",\"label\":\"" label \
	"\",\"perms\":\"" perms "\",\"position\":" pos ",\"counters\":" ctr "}"
#define BL_DOC(ver, rows) "{\"vmtrace_baseline\":" ver ",\"runs\":1,\"rows\":[" rows "]}"

/* A valid baseline: one [heap] row with every counter at 10. */
#define BL_GOOD BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[10,10,10]")))
/* The same with its faults at 20: a regression against BL_GOOD. */
#define BL_WORSE BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", \
	"{\"faults\":[20,20,20],\"minor\":[20,20,20],\"major\":[0,0,0],\"read\":[0,0,0]," \
	"\"write\":[20,20,20],\"exec\":[0,0,0],\"wp\":[0,0,0],\"errors\":[0,0,0]," \
	"\"kernel_mode\":[0,0,0],\"cow\":[0,0,0],\"readin\":[0,0,0],\"sigbus\":[0,0,0]," \
	"\"oom\":[0,0,0]}"))

struct bad_baseline {
	const char *name;
	const char *text;
};

static const struct bad_baseline bad_baselines[] = {
	{ "empty", "" },
	{ "truncated", "{\"vmtrace_baseline\":1,\"runs\":1,\"rows\":[{\"command\":\"app\",\"lab" },
	{ "not JSON", "hello" },
	{ "an array", "[1,2]" },
	{ "trailing bytes", BL_GOOD " x" },
	{ "two documents", BL_GOOD BL_GOOD },
	{ "no version", "{\"runs\":1,\"rows\":[]}" },
	{ "version 2", BL_DOC("2", "") },
	{ "version 0", BL_DOC("0", "") },
	{ "version as a string", BL_DOC("\"1\"", "") },
	{ "no rows", "{\"vmtrace_baseline\":1}" },
	{ "rows not an array", "{\"vmtrace_baseline\":1,\"rows\":{}}" },
	{ "row not an object", BL_DOC("1", "5") },
	{ "row without counters", BL_DOC("1", "{\"command\":\"app\",\"label\":\"[heap]\","
					     "\"perms\":\"rw-p\",\"position\":0}") },
	{ "row without command", BL_DOC("1", "{\"label\":\"[heap]\",\"perms\":\"rw-p\","
					     "\"position\":0,\"counters\":" BL_CTR("[1,1,1]") "}") },
	{ "counter missing", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
					       "{\"faults\":[1,1,1]}")) },
	{ "two numbers", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[10,10]"))) },
	{ "negative", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[-1,-1,-1]"))) },
	{ "min above median", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[5,6,7]"))) },
	{ "a fraction", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[1.5,1,2]"))) },
	{ "a string count", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[\"1\",1,1]"))) },
	{ "too large", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
					 BL_CTR("[99999999999999999999999,1,2]"))) },
	{ "bad perms", BL_DOC("1", BL_ROW("[heap]", "rwxz", "0", BL_CTR("[1,1,1]"))) },
	{ "empty label", BL_DOC("1", BL_ROW("", "rw-p", "0", BL_CTR("[1,1,1]"))) },
	{ "label too long", BL_DOC("1", BL_ROW("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					       "rw-p", "0", BL_CTR("[1,1,1]"))) },
	{ "command too long", BL_DOC("1", "{\"command\":\"a-very-long-command-name\","
				     "\"label\":\"[heap]\",\"perms\":\"rw-p\",\"position\":0,"
				     "\"counters\":" BL_CTR("[1,1,1]") "}") },
	{ "negative position", BL_DOC("1", BL_ROW("[heap]", "rw-p", "-1", BL_CTR("[1,1,1]"))) },
	{ "duplicate rows", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[1,1,1]")) ","
				   BL_ROW("[heap]", "rw-p", "0", BL_CTR("[2,2,2]"))) },
	{ "runs 0", "{\"vmtrace_baseline\":1,\"runs\":0,\"rows\":[]}" },
	{ "bad tolerance", "{\"vmtrace_baseline\":1,\"tolerance\":{\"relative_pct\":-5},"
			   "\"rows\":[]}" },
	{ "tolerance of no counter", "{\"vmtrace_baseline\":1,\"tolerance\":{\"counters\":"
				     "{\"nosuch\":{\"relative_pct\":1}}},\"rows\":[]}" },
	{ "unavailable not a counter", "{\"vmtrace_baseline\":1,\"unavailable\":[\"x\"],"
				       "\"rows\":[]}" },
	{ "label_bytes not hex", BL_DOC("1", "{\"command\":\"app\",\"label\":\"x\","
					"\"label_bytes\":\"7g\",\"perms\":\"rw-p\",\"position\":0,"
					"\"counters\":" BL_CTR("[1,1,1]") "}") },
	{ "label_bytes with a NUL", BL_DOC("1", "{\"command\":\"app\",\"label\":\"x\","
					   "\"label_bytes\":\"7800\",\"perms\":\"rw-p\","
					   "\"position\":0,\"counters\":" BL_CTR("[1,1,1]") "}") },
	{ "deep nesting", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
			  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[" },
};

#define NR_BAD_BASELINES (int)(sizeof(bad_baselines) / sizeof(bad_baselines[0]))

#endif
