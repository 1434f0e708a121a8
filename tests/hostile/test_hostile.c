/*
 * test_hostile.c - the hostile-input corpus (issue 6, SPEC 7): every bad
 * file refused cleanly, nothing changed, nothing leaked.
 *
 * Each case is a batch (inline below, or generated for the big ones) run
 * against a database that holds the e2e catalog and one recorded batch.
 * For every case the driver checks:
 *  - the documented exit status (65 refused, 66 unreadable, or 0 for a
 *    batch whose claims are rejected, which runs with --dry-run);
 *  - for a refusal, a message naming the file, line and column and the B
 *    code; for others, the expected text in the remittance or stderr;
 *  - the database byte for byte unchanged (checkpointed before and after);
 *  - no network access: cases with external references point at a
 *    loopback port where this test listens and counts connections; and no
 *    file access: the local file they name must not show up anywhere;
 *  - time and memory bounded (2 s and 100 MB, three times that under
 *    AddressSanitizer, which inflates both).
 * Catalog cases (a catastrophic pattern, broken CSV quoting) run `catalog
 * import` the same way.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

#define BIN ADJUDICATOR_BIN

#if defined(__SANITIZE_ADDRESS__)
#define SLACK 3
#else
#define SLACK 1
#endif

extern char **environ;

/* ---- the loopback listener ------------------------------------------------ */

static int listen_fd = -1, port;
static volatile int connections;

static void *
listener(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listen_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		__atomic_add_fetch(&connections, 1, __ATOMIC_SEQ_CST);
		close(c);
	}
}

static void
start_listener(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(listen_fd >= 0);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(listen_fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(listen_fd, 16), 0);
	getsockname(listen_fd, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	pthread_t t;
	pthread_create(&t, NULL, listener, NULL);
	pthread_detach(t);
}

/* ---- the cases --------------------------------------------------------------- */

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define BATCH(id) "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"" id "\" hospital=\"H12010300017\" created=\"2005-07-01T00:00:00\">\n"
#define CLAIM_OPEN(id) "<claim id=\"" id "\" type=\"outpatient\"><member id=\"12010419521208341X\"/><visit date=\"2005-06-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>\n"
#define ITEM(seq, qty, price, amount) "<item seq=\"" seq "\" code=\"XA01ABD075A002010100483\" date=\"2005-06-01\" qty=\"" qty "\" price=\"" price "\" amount=\"" amount "\"/>\n"
#define GOOD_CLAIM(id) CLAIM_OPEN(id) ITEM("1", "1", "12.50", "12.50") "</claim>\n"

typedef enum { REFUSE, DRY, CATALOG, UNREADABLE } mode;

typedef struct hcase {
	const char *name;
	mode mode;
	int exit;
	const char *text;  /* expected in stderr (REFUSE, CATALOG, UNREADABLE) or the remittance (DRY) */
	const char *body;  /* the file; @PORT@ is replaced; NULL: made by gen */
	void (*gen)(FILE *f);
} hcase;

static void gen_deep(FILE *f)
{
	fputs(HEAD BATCH("H-deep") CLAIM_OPEN("deep"), f);
	for (int i = 0; i < 100000; i++)
		fputs("<x>", f);
}

static void gen_big_attribute(FILE *f)
{
	fputs(HEAD BATCH("H-attr") "<claim id=\"", f);
	for (int i = 0; i < 50 * 1024; i++)
		fprintf(f, "%01023d ", 7);
	fputs("\" type=\"outpatient\"/>\n</batch>\n", f);
}

static void gen_million_lines(FILE *f)
{
	fputs(HEAD BATCH("H-lines") CLAIM_OPEN("lines"), f);
	for (int i = 1; i <= 1000000; i++)
		fprintf(f, "<item seq=\"%d\" code=\"XA01ABD075A002010100483\" date=\"2005-06-01\" qty=\"1\" price=\"1.00\" amount=\"1.00\"/>\n", i);
	fputs("</claim>\n</batch>\n", f);
}

static void gen_diagnoses(FILE *f)
{
	fputs(HEAD BATCH("H-dx") "<claim id=\"dx\" type=\"outpatient\"><member id=\"12010419521208341X\"/><visit date=\"2005-06-01\"/>\n", f);
	for (int i = 0; i < 100000; i++)
		fputs("<diagnosis code=\"I10.x00\"/>\n", f);
	fputs(ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", f);
}

static void gen_attr_4097(FILE *f)
{
	fputs(HEAD BATCH("H-4097") "<claim id=\"", f);
	for (int i = 0; i < 4097; i++)
		fputc('x', f);
	fputs("\" type=\"outpatient\"/></batch>\n", f);
}

static void gen_attr_50mb(FILE *f)
{
	fputs(HEAD BATCH("H-50MB") "<claim id=\"", f);
	for (int i = 0; i < 50 * 1000; i++)
		fprintf(f, "%01000d", 0);
	fputs("\" type=\"outpatient\"/></batch>\n", f);
}

static void gen_comment(FILE *f)
{
	fputs(HEAD "<!--", f);
	for (int i = 0; i < 20 * 1024; i++)
		fprintf(f, "%01023d ", 0);
	fputs("-->\n" BATCH("H-comment") GOOD_CLAIM("c1") "</batch>\n", f);
}

static void gen_long_line(FILE *f)
{
	fputs(HEAD BATCH("H-line") CLAIM_OPEN("ws"), f);
	for (int i = 0; i < 10 * 1024 * 1024 / 16; i++)
		fputs("                ", f);
	fputs(ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", f);
}

static void gen_many_items(FILE *f)
{
	fputs(HEAD BATCH("H-items") CLAIM_OPEN("items"), f);
	for (int i = 1; i <= 20001; i++)
		fprintf(f, "<item seq=\"%d\" code=\"XA01ABD075A002010100483\" date=\"2005-06-01\" qty=\"1\" price=\"1.00\" amount=\"1.00\"/>\n", i);
	fputs("</claim>\n</batch>\n", f);
}

static void gen_utf16(FILE *f)
{
	const char *s = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n" BATCH("H-utf16") GOOD_CLAIM("u16") "</batch>\n";
	/* UTF-16LE with its byte-order mark: a good batch, accepted */
	fputs("\xff\xfe", f);
	for (const char *p = s; *p; p++) {
		fputc(*p, f);
		fputc(0, f);
	}
}

static void gen_gbk_undeclared(FILE *f)
{
	/* GBK bytes for 张伟 in an attribute, no encoding declared: not UTF-8 */
	fputs("<?xml version=\"1.0\"?>\n" BATCH("H-gbk") "<claim id=\"\xd5\xc5\xce\xb0\" type=\"outpatient\"/>\n</batch>\n", f);
}

static void gen_nul(FILE *f)
{
	fputs(HEAD BATCH("H-nul") "<claim id=\"a", f);
	fputc(0, f);
	fputs("b\" type=\"outpatient\"/>\n</batch>\n", f);
}

static const hcase cases[] = {
	/* entity expansion and external references: any DOCTYPE refuses */
	{"billion-laughs", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	      "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">"
	      "<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">"
	      "<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">]>\n"
	      BATCH("H-laughs") "<claim id=\"&h;\" type=\"outpatient\"/></batch>\n", NULL},
	{"parameter-entity-laughs", REFUSE, 65, "B01",
	 HEAD "<!DOCTYPE batch [<!ENTITY % a \"aaaa\"><!ENTITY % b \"%a;%a;%a;%a;%a;%a;\"><!ENTITY % c \"%b;%b;%b;%b;%b;\">%c;]>\n"
	      BATCH("H-pe") "</batch>\n", NULL},
	{"entity-in-attribute", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch [<!ENTITY x \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\">]>\n"
	      BATCH("H-attrent") "<claim id=\"&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;&x;\" type=\"outpatient\"/></batch>\n", NULL},
	{"quadratic-blowup", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch [<!ENTITY q \"qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq\">]>\n"
	      BATCH("H-quad") "<claim id=\"x\" type=\"outpatient\">&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;&q;</claim></batch>\n", NULL},
	{"external-entity-file", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch [<!ENTITY leak SYSTEM \"file:///etc/hostname\">]>\n" BATCH("H-xxe") "<claim id=\"&leak;\" type=\"outpatient\"/></batch>\n", NULL},
	{"external-entity-http", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch [<!ENTITY leak SYSTEM \"http://127.0.0.1:@PORT@/xxe\">]>\n" BATCH("H-xxeh") "<claim id=\"&leak;\" type=\"outpatient\"/></batch>\n", NULL},
	{"external-dtd", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch SYSTEM \"http://127.0.0.1:@PORT@/batch.dtd\">\n" BATCH("H-dtd") "</batch>\n", NULL},
	{"external-parameter-entity", REFUSE, 65, "B01",
	 HEAD "<!DOCTYPE batch [<!ENTITY % p SYSTEM \"http://127.0.0.1:@PORT@/p.ent\">%p;]>\n" BATCH("H-pent") "</batch>\n", NULL},
	{"doctype-alone", REFUSE, 65, "B01: a DOCTYPE is not allowed",
	 HEAD "<!DOCTYPE batch>\n" BATCH("H-doctype") GOOD_CLAIM("d1") "</batch>\n", NULL},
	{"xinclude-file", DRY, 0, "<reason code=\"C01\"",
	 HEAD BATCH("H-xinc") "<claim id=\"xi\" type=\"outpatient\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
	      "<member id=\"12010419521208341X\"/><visit date=\"2005-06-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>"
	      "<xi:include href=\"file:///etc/hostname\" parse=\"text\"/>" ITEM("1", "1", "12.50", "12.50") "</claim>\n"
	      "<claim id=\"xi2\" type=\"outpatient\" xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
	      "<member id=\"12010419521208341X\"/><visit date=\"2005-06-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>"
	      "<xi:include href=\"http://127.0.0.1:@PORT@/inc\" parse=\"text\"/>" ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	/* size limits */
	{"nesting-100000-deep", REFUSE, 65, "B01: elements nested deeper than 32", NULL, gen_deep},
	{"attribute-50MB", REFUSE, 65, "B01", NULL, gen_big_attribute},
	{"claim-with-1000000-lines", REFUSE, 65, "B01: claim has more than 20000 items", NULL, gen_million_lines},
	{"claim-with-20001-items", REFUSE, 65, "B01: claim has more than 20000 items", NULL, gen_many_items},
	{"claim-with-100000-diagnoses", REFUSE, 65, "B01: claim has more than 200 diagnoses", NULL, gen_diagnoses},
	{"attribute-over-4096-bytes", REFUSE, 65, "B01: attribute id is longer than 4096 bytes", NULL, gen_attr_4097},
	{"comment-20MB", REFUSE, 65, "B01: one attribute value, comment or text is longer than the parser's limit of 10,000,000 bytes", NULL, gen_comment},
	{"attribute-50MB", REFUSE, 65, "B01: one attribute value, comment or text is longer than the parser's limit of 10,000,000 bytes", NULL, gen_attr_50mb},
	{"whitespace-10MB-in-a-claim", DRY, 0, "<counts claims=\"1\" accepted=\"1\"", NULL, gen_long_line},
	/* well-formedness and encodings */
	{"invalid-utf8", REFUSE, 65, "B01", HEAD BATCH("H-utf8") "<claim id=\"\xc3\x28\" type=\"outpatient\"/></batch>\n", NULL},
	{"utf16-file", DRY, 0, "<counts claims=\"1\" accepted=\"1\"", NULL, gen_utf16},
	{"gbk-undeclared", REFUSE, 65, "B01", NULL, gen_gbk_undeclared},
	{"truncated-mid-claim", REFUSE, 65, "B01", HEAD BATCH("H-trunc") GOOD_CLAIM("t1") CLAIM_OPEN("t2") "<item seq=\"1\" code=\"XA01", NULL},
	{"nul-bytes", REFUSE, 65, "B01", NULL, gen_nul},
	{"second-root", REFUSE, 65, "B01", HEAD BATCH("H-roots") GOOD_CLAIM("r1") "</batch>\n" BATCH("H-roots2") "</batch>\n", NULL},
	{"undefined-entity", REFUSE, 65, "B01", HEAD BATCH("H-undef") "<claim id=\"&foo;\" type=\"outpatient\"/></batch>\n", NULL},
	{"char-reference-nul", REFUSE, 65, "B01", HEAD BATCH("H-ref0") "<claim id=\"a&#0;b\" type=\"outpatient\"/></batch>\n", NULL},
	{"duplicate-attribute", REFUSE, 65, "B01", HEAD BATCH("H-dupattr") "<claim id=\"a\" id=\"b\" type=\"outpatient\"/></batch>\n", NULL},
	{"unbound-prefix", REFUSE, 65, "B0", HEAD BATCH("H-prefix") "<p:claim id=\"a\" type=\"outpatient\"/></batch>\n", NULL},
	{"unterminated-comment", REFUSE, 65, "B01", HEAD BATCH("H-com") "<!-- never closed </batch>\n", NULL},
	{"unknown-encoding", REFUSE, 65, "B01", "<?xml version=\"1.0\" encoding=\"X-NO-SUCH\"?>\n" BATCH("H-enc") "</batch>\n", NULL},
	{"zero-bytes", REFUSE, 65, "B01: the batch file is empty", "", NULL},
	{"wrong-root", REFUSE, 65, "B02", HEAD "<claims xmlns=\"urn:adjudicator:batch:1\"/>\n", NULL},
	{"text-between-claims", REFUSE, 65, "B02: text is not allowed between claims", HEAD BATCH("H-text") GOOD_CLAIM("x1") "DROP TABLE claim;\n</batch>\n", NULL},
	{"sql-in-hospital", REFUSE, 65, "B02", HEAD "<batch xmlns=\"urn:adjudicator:batch:1\" id=\"S1\" hospital=\"H1'; DROP TABLE claim; --\" created=\"2005-07-01T00:00:00\"/>\n", NULL},
	{"batch-id-reused", REFUSE, 65, "B04", HEAD BATCH("RECORDED") "</batch>\n", NULL},
	/* absurd and wrong values inside claims: rejected, not refused */
	{"overflow-money-and-qty", DRY, 0, "<reason code=\"L02\" message=\"金额不等于数量乘单价 (amount is not quantity times price)\" value=\"overflow\"/>",
	 HEAD BATCH("H-ovf") CLAIM_OPEN("o1") ITEM("1", "9999999.999", "999999999999.99", "999999999999.99") ITEM("2", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"negative-and-exponent-numbers", DRY, 0, "<reason code=\"C01\"",
	 HEAD BATCH("H-neg") CLAIM_OPEN("n1") ITEM("1", "-1", "12.50", "-12.50") "</claim>\n" CLAIM_OPEN("n2") ITEM("1", "1e3", "12.50", "12500") "</claim>\n"
	 CLAIM_OPEN("n3") ITEM("1", "1", "1.25E1", "12.50") "</claim>\n</batch>\n", NULL},
	{"impossible-dates", DRY, 0, "visit date 2005-02-29 is not a date that exists",
	 HEAD BATCH("H-date") "<claim id=\"d1\" type=\"outpatient\"><member id=\"12010419521208341X\"/><visit date=\"2005-02-29\"/>"
	 "<diagnosis code=\"I10.x00\" primary=\"true\"/>" ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"id-wrong-check-character", DRY, 0, "<reason code=\"C02\"",
	 HEAD BATCH("H-rid") "<claim id=\"r1\" type=\"outpatient\"><member id=\"120104195212083410\"/><visit date=\"2005-06-01\"/>"
	 "<diagnosis code=\"I10.x00\" primary=\"true\"/>" ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"sql-and-script-in-ids", DRY, 0, "id=\"&lt;script&gt;alert(1)&lt;/script&gt;'; DROP TABLE claim; --\" member=\"' OR 1=1; --\" status=\"rejected\"",
	 HEAD BATCH("H-sql") "<claim id=\"&lt;script&gt;alert(1)&lt;/script&gt;&apos;; DROP TABLE claim; --\" type=\"outpatient\">"
	 "<member id=\"' OR 1=1; --\"/><visit date=\"2005-06-01\"/><diagnosis code=\"I10.x00\" primary=\"true\"/>"
	 ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"cdata-and-processing-instruction", DRY, 0, "<reason code=\"C01\" message=\"单据格式错误 (malformed claim)\" value=\"text inside the claim\"/>",
	 HEAD BATCH("H-cdata") "<?evil instruction?>" CLAIM_OPEN("c1") "<![CDATA[<item/>]]>" ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"claim-id-65-characters", DRY, 0, "is not 1-64 characters",
	 HEAD BATCH("H-65") CLAIM_OPEN("12345678901234567890123456789012345678901234567890123456789012345") ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	{"deep-unknown-elements-in-claim", DRY, 0, "unknown element &lt;a&gt;",
	 HEAD BATCH("H-unk") CLAIM_OPEN("u1") "<a><b><c><d/></c></b></a>" ITEM("1", "1", "12.50", "12.50") "</claim>\n</batch>\n", NULL},
	/* the file itself */
	{"batch-is-a-directory", UNREADABLE, 66, "not a regular file", NULL, NULL},
	{"batch-without-read-permission", UNREADABLE, 66, "Permission denied", NULL, NULL},
	/* catalogs */
	{"catalog-catastrophic-regex", CATALOG, 65, "drugs.csv:4: diagnosis: pattern hits the match limit", NULL, NULL},
	{"catalog-broken-csv-quoting", CATALOG, 65, "treatments.csv:3: malformed CSV quoting", NULL, NULL},
};

/* ---- the driver ------------------------------------------------------------- */

static char *tmp, db[4200];

static unsigned long long
db_state(void)
{
	return t_db_sum(db);
}

/* Run argv; capture stderr into errp; return the status, the wall time in
 * ms and the peak RSS in MB. */
static int
run_measured(const char *const *argv, const char *errp, long *ms, long *mb, bool drop_privileges)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	char *args[24];
	size_t n = 0;
	if (drop_privileges) {
		args[n++] = strdup("/usr/sbin/runuser");
		args[n++] = strdup("-u");
		args[n++] = strdup("nobody");
		args[n++] = strdup("--");
	}
	for (size_t i = 0; argv[i]; i++)
		args[n++] = strdup(argv[i]);
	args[n] = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, args[0], &fa, NULL, args, environ), 0);
	int status;
	struct rusage ru;
	wait4(pid, &status, 0, &ru);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < n; i++)
		free(args[i]);
	posix_spawn_file_actions_destroy(&fa);
	*ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	*mb = ru.ru_maxrss / 1024;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *
replace_port(const char *body)
{
	char p[16];
	snprintf(p, sizeof p, "%d", port);
	size_t n = strlen(body) + 64;
	char *out = malloc(n), *o = out;
	for (const char *s = body; *s;) {
		if (strncmp(s, "@PORT@", 6) == 0) {
			o += sprintf(o, "%s", p);
			s += 6;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

static void
make_catalog_case(const hcase *c, char *dir, size_t n)
{
	snprintf(dir, n, "%s/%s", tmp, c->name);
	mkdir(dir, 0755);
	t_copydir(TEST_DATA_DIR "/catalog_min", dir);
	if (strstr(c->name, "regex"))
		t_replace_line(dir, "drugs.csv", "XB05AAD123B001020300111",
		               "XB05AAD123B001020300111,人血白蛋白注射液,drug-material,B,20,,,400.00,300.00,,3,(a+)+$,,,,2004-01-01,");
	else
		t_replace_line(dir, "treatments.csv", "C0101000000000000001",
		               "C0101000000000000001,\"冠状动脉\"支架\",drug-material,A,,,,20000.00,12000.00,,3,,,,,2004-01-01,");
}

Test(hostile, every_hostile_file_is_refused_cleanly_and_changes_nothing, .timeout = 900)
{
	tmp = t_tempdir();
	chmod(tmp, 0755);
	snprintf(db, sizeof db, "%s/h.db", tmp);
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "init", "--db", db, NULL}), 0);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "catalog", "import", TEST_DATA_DIR "/catalog_e2e", "--db", db, NULL}), 0);
	t_write(tmp, "recorded.xml", HEAD BATCH("RECORDED") GOOD_CLAIM("ok1") "</batch>\n");
	char path[4400];
	snprintf(path, sizeof path, "%s/recorded.xml", tmp);
	cr_assert_eq(t_run(NULL, NULL, (const char *const[]){BIN, "adjudicate", path, "--db", db, "-o", "/dev/null", NULL}), 0);
	start_listener();
	char *hostname = t_read("/etc/hostname", NULL);
	if (hostname)
		hostname[strcspn(hostname, "\n")] = '\0';

	int n = (int)(sizeof cases / sizeof cases[0]);
	cr_expect_geq(n, 40, "the corpus has %d cases", n);
	for (int i = 0; i < n; i++) {
		const hcase *c = &cases[i];
		char file[4400], err[4400], out[4400];
		snprintf(file, sizeof file, "%s/%s.xml", tmp, c->name);
		snprintf(err, sizeof err, "%s/%s.err", tmp, c->name);
		snprintf(out, sizeof out, "%s/%s.out.xml", tmp, c->name);
		if (c->body) {
			char *body = replace_port(c->body);
			FILE *f = fopen(file, "wb");
			fwrite(body, 1, strlen(body), f);
			fclose(f);
			free(body);
		} else if (c->gen) {
			FILE *f = fopen(file, "wb");
			c->gen(f);
			fclose(f);
		}
		if (strcmp(c->name, "batch-is-a-directory") == 0)
			mkdir(file, 0755);
		bool as_nobody = false;
		if (strcmp(c->name, "batch-without-read-permission") == 0) {
			t_write(tmp, "batch-without-read-permission.xml", HEAD BATCH("H-perm") "</batch>\n");
			chmod(file, 0);
			/* root reads anything: run as nobody where possible */
			as_nobody = getuid() == 0 && access("/usr/sbin/runuser", X_OK) == 0;
			if (as_nobody) {
				chmod(db, 0666);
			}
		}
		unsigned long long before = db_state();
		int conns = connections;
		long ms, mb;
		int rc;
		if (c->mode == CATALOG) {
			char dir[4400];
			make_catalog_case(c, dir, sizeof dir);
			rc = run_measured((const char *const[]){BIN, "catalog", "import", dir, "--db", db, NULL}, err, &ms, &mb, false);
		} else if (c->mode == DRY) {
			rc = run_measured((const char *const[]){BIN, "adjudicate", file, "--db", db, "-o", out, "--dry-run", NULL}, err, &ms, &mb, false);
		} else {
			const char *bin = BIN;
			char bin_copy[4400];
			if (as_nobody) {
				/* let nobody reach the database and the folder, not the file;
				 * and run a copy of the command from that folder, since the
				 * build folder may be where nobody cannot go (a clone in a
				 * private temporary folder) */
				chmod(tmp, 0777);
				snprintf(bin_copy, sizeof bin_copy, "%s/adjudicator", tmp);
				size_t len;
				char *image = t_read(BIN, &len);
				cr_assert_not_null(image);
				FILE *f = fopen(bin_copy, "wb");
				cr_assert_not_null(f);
				cr_assert_eq(fwrite(image, 1, len, f), len);
				cr_assert_eq(fclose(f), 0);
				free(image);
				chmod(bin_copy, 0755);
				bin = bin_copy;
			}
			rc = run_measured((const char *const[]){bin, "adjudicate", file, "--db", db, "-o", out, NULL}, err, &ms, &mb, as_nobody);
		}
		char *e = t_read(err, NULL), *o = t_read(out, NULL);
		cr_expect_eq(rc, c->exit, "%s: exit %d, want %d; stderr: %.300s", c->name, rc, c->exit, e ? e : "");
		const char *where = c->mode == DRY ? o : e;
		cr_expect(where && strstr(where, c->text), "%s: \"%s\" not in the %s: %.400s", c->name, c->text,
		          c->mode == DRY ? "remittance" : "error output", where ? where : "(none)");
		if (c->mode == REFUSE) {
			/* file:line:column: Bnn */
			char pos[256];
			snprintf(pos, sizeof pos, "%s.xml:", c->name);
			const char *p = e ? strstr(e, pos) : NULL;
			long line = 0, col = 0;
			bool named = p && (sscanf(p + strlen(pos), "%ld:%ld:", &line, &col) == 2 ||
			                   strstr(c->text, "empty") != NULL);
			cr_expect(named, "%s: the message does not name file:line:column: %.300s", c->name, e ? e : "");
			cr_expect(access(out, F_OK) != 0, "%s: a refused batch wrote a remittance", c->name);
		}
		cr_expect_eq(db_state(), before, "%s: the database changed", c->name);
		cr_expect_eq(connections, conns, "%s: a network connection was made", c->name);
		if (hostname && *hostname && strlen(hostname) > 3) {
			cr_expect(!(o && strstr(o, hostname)), "%s: /etc/hostname leaked into the remittance", c->name);
			cr_expect(!(e && strstr(e, hostname)), "%s: /etc/hostname leaked into the messages", c->name);
		}
		cr_expect_lt(ms, 2000L * SLACK, "%s: %ld ms", c->name, ms);
		cr_expect_lt(mb, 100L * SLACK, "%s: %ld MB", c->name, mb);
		free(e);
		free(o);
		if (as_nobody) {
			chmod(tmp, 0755);
			chmod(db, 0644);
		}
		if (c->gen)
			unlink(file); /* the big ones */
	}
	free(hostname);
	t_rmtree(tmp);
	free(tmp);
}
