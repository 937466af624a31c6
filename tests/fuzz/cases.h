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
/* A file row of the given size (a JSON value), every counter at 1. */
#define BL_SIZED(size) "{\"command\":\"app\",\"label\":\"x.so\",\"perms\":\"r--p\"," \
	"\"position\":0,\"size\":" size ",\"counters\":" BL_CTR("[1,1,1]") "}"
#define BL_DOC(ver, rows) "{\"vmtrace_baseline\":" ver ",\"runs\":1,\"rows\":[" rows "]}"

/* A valid baseline: one [heap] row with every counter at 10. */
#define BL_GOOD BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[10,10,10]")))
/* The same with its faults at 30: a regression against BL_GOOD. */
#define BL_WORSE BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", \
	"{\"faults\":[30,30,30],\"minor\":[30,30,30],\"major\":[0,0,0],\"read\":[0,0,0]," \
	"\"write\":[30,30,30],\"exec\":[0,0,0],\"wp\":[0,0,0],\"errors\":[0,0,0]," \
	"\"kernel_mode\":[0,0,0],\"cow\":[0,0,0],\"readin\":[0,0,0],\"sigbus\":[0,0,0]," \
	"\"oom\":[0,0,0]}"))

struct bad_baseline {
	const char *name;
	const char *text;
	const char *reason;	/* the refusal must say this */
};

static const struct bad_baseline bad_baselines[] = {
	{ "empty", "",
	  "empty file" },
	{ "truncated", "{\"vmtrace_baseline\":1,\"runs\":1,\"rows\":[{\"command\":\"app\",\"lab",
	  "ends early (truncated?)" },
	{ "not JSON", "hello",
	  "not valid JSON at byte 0" },
	{ "an array", "[1,2]",
	  "expected a JSON object, got an array" },
	{ "trailing bytes", BL_GOOD " x",
	  "data after the end" },
	{ "two documents", BL_GOOD BL_GOOD,
	  "data after the end" },
	{ "no version", "{\"runs\":1,\"rows\":[]}",
	  "no \"vmtrace_baseline\" version" },
	{ "version 2", BL_DOC("2", ""),
	  "format version 2," },
	{ "version 0", BL_DOC("0", ""),
	  "format version 0," },
	{ "version as a string", BL_DOC("\"1\"", ""),
	  "expected a version number, got a string" },
	{ "a report's schema", "{\"schema\":\"vmtrace-report/1\",\"vmtrace_baseline\":1,"
			       "\"rows\":[]}",
	  "schema: not \"vmtrace-baseline/1\"" },
	{ "schema not a string", "{\"schema\":1,\"vmtrace_baseline\":1,\"rows\":[]}",
	  "schema: expected a string, got a number" },
	{ "no rows", "{\"vmtrace_baseline\":1}",
	  "the top level: no \"rows\"" },
	{ "rows not an array", "{\"vmtrace_baseline\":1,\"rows\":{}}",
	  "rows: expected an array of rows, got an object" },
	{ "row not an object", BL_DOC("1", "5"),
	  "rows[0]: expected an object, got a number" },
	{ "row without counters", BL_DOC("1", "{\"command\":\"app\",\"label\":\"[heap]\","
					     "\"perms\":\"rw-p\",\"position\":0}"),
	  "rows[0]: no \"counters\"" },
	{ "row without command", BL_DOC("1", "{\"label\":\"[heap]\",\"perms\":\"rw-p\","
					     "\"position\":0,\"counters\":" BL_CTR("[1,1,1]") "}"),
	  "rows[0]: no \"command\"" },
	{ "counter missing", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
					       "{\"faults\":[1,1,1]}")),
	  "rows[0].counters: no \"minor\"" },
	{ "two numbers", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[10,10]"))),
	  "rows[0].counters.faults: expected [median, min, max], got 2 numbers" },
	{ "negative", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[-1,-1,-1]"))),
	  "rows[0].counters.faults[0]: negative" },
	{ "min above median", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[5,6,7]"))),
	  "not min <= median <= max" },
	{ "a fraction", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[1.5,1,2]"))),
	  "expected a non-negative integer, got 1.5" },
	{ "a string count", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[\"1\",1,1]"))),
	  "expected a non-negative integer, got a string" },
	{ "too large", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
					 BL_CTR("[99999999999999999999999,1,2]"))),
	  "99999999999999999999999 is over 2^64-1" },
	{ "bad perms", BL_DOC("1", BL_ROW("[heap]", "rwxz", "0", BL_CTR("[1,1,1]"))),
	  "rows[0].perms: \"rwxz\" is not like" },
	{ "empty label", BL_DOC("1", BL_ROW("", "rw-p", "0", BL_CTR("[1,1,1]"))),
	  "rows[0].label: empty" },
	{ "label too long", BL_DOC("1", BL_ROW("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
					       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					       "rw-p", "0", BL_CTR("[1,1,1]"))),
	  "rows[0].label: longer than 95 bytes" },
	{ "command too long", BL_DOC("1", "{\"command\":\"a-very-long-command-name\","
				     "\"label\":\"[heap]\",\"perms\":\"rw-p\",\"position\":0,"
				     "\"counters\":" BL_CTR("[1,1,1]") "}"),
	  "rows[0].command: longer than 15 bytes" },
	{ "negative position", BL_DOC("1", BL_ROW("[heap]", "rw-p", "-1", BL_CTR("[1,1,1]"))),
	  "rows[0].position: negative" },
	{ "duplicate rows", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[1,1,1]")) ","
				   BL_ROW("[heap]", "rw-p", "0", BL_CTR("[2,2,2]"))),
	  "two rows for app \"[heap] rw-p #0\"" },
	{ "runs 0", "{\"vmtrace_baseline\":1,\"runs\":0,\"rows\":[]}",
	  "runs: 0" },
	{ "bad tolerance", "{\"vmtrace_baseline\":1,\"tolerance\":{\"relative_pct\":-5},"
			   "\"rows\":[]}",
	  "tolerance.relative_pct: -5 is out of range" },
	{ "tolerance of no counter", "{\"vmtrace_baseline\":1,\"tolerance\":{\"counters\":"
				     "{\"nosuch\":{\"relative_pct\":1}}},\"rows\":[]}",
	  "tolerance.counters: unknown key \"nosuch\"" },
	{ "unavailable not a counter", "{\"vmtrace_baseline\":1,\"unavailable\":[\"x\"],"
				       "\"rows\":[]}",
	  "unavailable[0]: \"x\" is not a counter name" },
	{ "label_bytes not hex", BL_DOC("1", "{\"command\":\"app\",\"label\":\"x\","
					"\"label_bytes\":\"7g\",\"perms\":\"rw-p\",\"position\":0,"
					"\"counters\":" BL_CTR("[1,1,1]") "}"),
	  "not the hex of at most" },
	{ "label_bytes with a NUL", BL_DOC("1", "{\"command\":\"app\",\"label\":\"x\","
					   "\"label_bytes\":\"7800\",\"perms\":\"rw-p\","
					   "\"position\":0,\"counters\":" BL_CTR("[1,1,1]") "}"),
	  "not the hex of at most" },
	{ "deep nesting", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
			  "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	  "nested deeper than 32 levels" },
	/* issue 12: each refused with its own reason, none clamped or taken silently */
	{ "over 2^64-1", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
					    BL_CTR("[1000000000000000000000000000000,"
						   "1000000000000000000000000000000,"
						   "1000000000000000000000000000000]"))),
	  "rows[0].counters.faults[0]: 100000000000000000000000... is over 2^64-1" },
	{ "2^64", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
				     BL_CTR("[18446744073709551616,1,18446744073709551616]"))),
	  "18446744073709551616 is over 2^64-1" },
	{ "null", "null", "expected a JSON object, got null" },
	{ "a null count", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[null,1,1]"))),
	  "rows[0].counters.faults[0]: expected a non-negative integer, got null" },
	{ "a null label", BL_DOC("1", "{\"command\":\"app\",\"label\":null,\"perms\":\"rw-p\","
				 "\"position\":0,\"counters\":" BL_CTR("[1,1,1]") "}"),
	  "rows[0].label: expected a string, got null" },
	{ "duplicate counter key", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0",
		"{\"faults\":[1,1,1],\"faults\":[2,2,2],\"minor\":[1,1,1]}")),
	  "rows[0].counters: \"faults\" given twice" },
	{ "duplicate top-level key", "{\"vmtrace_baseline\":1,\"runs\":1,\"runs\":3,\"rows\":[]}",
	  "the top level: \"runs\" given twice" },
	{ "duplicate row key", BL_DOC("1", "{\"command\":\"app\",\"command\":\"x\",\"label\":"
				      "\"[heap]\",\"perms\":\"rw-p\",\"position\":0,\"counters\":"
				      BL_CTR("[1,1,1]") "}"),
	  "rows[0]: \"command\" given twice" },
	{ "unknown key", "{\"vmtrace_baseline\":1,\"tolerance\":{\"relative_pc\":5},\"rows\":[]}",
	  "tolerance: unknown key \"relative_pc\"" },
	{ "tolerance of an unmeasured counter",
	  "{\"vmtrace_baseline\":1,\"backend\":\"tracepoint\",\"unavailable\":[\"cow\"],"
	  "\"tolerance\":{\"counters\":{\"cow\":{\"min_count\":0}}},\"rows\":[]}",
	  "tolerance.counters.cow: a tolerance for a counter listed as unavailable "
	  "(not measured by the tracepoint backend)" },
	{ "a NUL in a label", BL_DOC("1", BL_ROW("[he\\u0000ap]", "rw-p", "0", BL_CTR("[1,1,1]"))),
	  "rows[0].label: holds a NUL byte" },
	{ "a lone surrogate", BL_DOC("1", BL_ROW("\\udc00", "rw-p", "0", BL_CTR("[1,1,1]"))),
	  "lone low surrogate" },
	{ "a leading zero", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[01,1,1]"))),
	  "a number with a leading zero" },
	{ "version 1.0", BL_DOC("1.0", ""), "format version 1.0," },
	{ "a hex count", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[0x10,1,16]"))),
	  "not valid JSON at byte" },
	{ "four numbers", BL_DOC("1", BL_ROW("[heap]", "rw-p", "0", BL_CTR("[1,1,1,1]"))),
	  "expected [median, min, max], got more numbers" },
	{ "a raw control byte", BL_DOC("1", BL_ROW("[he\tap]", "rw-p", "0", BL_CTR("[1,1,1]"))),
	  "a control byte in a string" },
	{ "a size as a string", BL_DOC("1", BL_SIZED("\"4096\"")),
	  "rows[0].size: expected a non-negative integer, got a string" },
	{ "a size past 2^57", BL_DOC("1", BL_SIZED("144115188075855873")),
	  "rows[0].size: 144115188075855873 is too large" },
};

#define NR_BAD_BASELINES (int)(sizeof(bad_baselines) / sizeof(bad_baselines[0]))

#endif
