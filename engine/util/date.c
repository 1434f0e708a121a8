/*
 * date.c - civil date arithmetic on day numbers.
 *
 * The conversions are Howard Hinnant's well-known days_from_civil and
 * civil_from_days algorithms (public domain), rewritten here in C for
 * int32 day numbers; they are exact for every date of years 1..9999.
 */
#include "date.h"

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool
adj_date_valid(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

adj_date
adj_date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (adj_date)(era * 146097 + doe - 719468);
}

void
adj_date_to_ymd(adj_date day, int *y, int *m, int *d)
{
	int z = day + 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	int doe = z - era * 146097;
	int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool
adj_date_parse(const char *s, size_t n, adj_date *out)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 0 || m < 0 || d < 0 || !adj_date_valid(y, m, d))
		return false;
	*out = adj_date_from_ymd(y, m, d);
	return true;
}

size_t
adj_date_format(adj_date day, char *buf)
{
	int y, m, d;

	if (day == ADJ_DATE_NONE) {
		buf[0] = '\0';
		return 0;
	}
	adj_date_to_ymd(day, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
	return 10;
}

int
adj_date_year(adj_date day)
{
	int y, m, d;
	adj_date_to_ymd(day, &y, &m, &d);
	return y;
}

/* SPEC 3: completed years by (month, day) comparison */
int
adj_age(adj_date birth, adj_date on)
{
	int by, bm, bd, oy, om, od;

	adj_date_to_ymd(birth, &by, &bm, &bd);
	adj_date_to_ymd(on, &oy, &om, &od);
	int age = oy - by;
	if (om < bm || (om == bm && od < bd))
		age--;
	return age;
}
