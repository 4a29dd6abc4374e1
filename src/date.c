/*
** date.c -- calendar helpers shared by the stages that read or write the
** document date: parsing "YYYY-MM-DD[THH:MM]" strictly, validating the
** Gregorian calendar, formatting.
*/
#include "internal.h"

#include <stdio.h>

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool dl__date_valid(int y, int m, int d)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= mdays[m - 1] + (m == 2 && leap(y));
}

static bool digits(const char *s, size_t n, int *out)
{
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool dl__date_parse(const char *s, size_t n, dl__date *out)
{
  dl__date d;
  memset(&d, 0, sizeof d);
  d.hour = d.minute = -1;
  if (n != 10 && n != 16 && n != 19) return false;
  if (!digits(s, 4, &d.year) || s[4] != '-' || !digits(s + 5, 2, &d.month) ||
      s[7] != '-' || !digits(s + 8, 2, &d.day))
    return false;
  if (!dl__date_valid(d.year, d.month, d.day)) return false;
  if (n >= 16) {
    if ((s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2, &d.hour) ||
        s[13] != ':' || !digits(s + 14, 2, &d.minute) || d.hour > 23 ||
        d.minute > 59)
      return false;
    if (n == 19) {
      int sec;
      if (s[16] != ':' || !digits(s + 17, 2, &sec) || sec > 60) return false;
    }
  }
  d.source = out->source;
  *out = d;
  return true;
}

void dl__date_format(const dl__date *dt, char *buf, size_t cap)
{
  if (dt->hour >= 0)
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d", dt->year, dt->month,
             dt->day, dt->hour, dt->minute);
  else
    snprintf(buf, cap, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
}
