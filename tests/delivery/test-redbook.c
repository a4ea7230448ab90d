/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Red Book identifiers and addresses, against the rules in shared/reference/cd-and-ddp.md and
 * published, real codes. */
#include "config.h"

#include "lq-redbook.h"

static void
test_isrc (void)
{
  g_autoptr(GError) error = NULL;
  const char *good[] = { "USABC1234567", "GBAYE6800011", "DEA123456789", "FR6V81234567" };
  const char *bad[] = { "US-ABC-12-34567", "usabc1234567", "USABC123456", "USABC12345678",
                        "U1ABC1234567", "USAB_1234567", "USABC12X4567" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_assert_true (lq_redbook_check_isrc (good[i], &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (lq_redbook_check_isrc (bad[i], &error));
      g_assert_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_ISRC);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
}

static void
test_catalog (void)
{
  g_autoptr(GError) error = NULL;
  char ean[14];

  /* Published examples: EAN-13 4006381333931, UPC-A 036000291452 (check digits 1 and 2). */
  g_assert_true (lq_redbook_normalize_catalog ("4006381333931", ean, &error));
  g_assert_cmpstr (ean, ==, "4006381333931");
  g_assert_true (lq_redbook_normalize_catalog ("036000291452", ean, &error));
  g_assert_cmpstr (ean, ==, "0036000291452");
  g_assert_true (lq_redbook_normalize_catalog ("0123456789012", ean, &error));
  g_assert_no_error (error);

  g_assert_false (lq_redbook_normalize_catalog ("4006381333932", ean, &error));
  g_assert_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_CATALOG);
  g_assert_nonnull (strstr (error->message, "check digit"));
  g_clear_error (&error);
  g_assert_false (lq_redbook_normalize_catalog ("40063813339", ean, &error));
  g_clear_error (&error);
  g_assert_false (lq_redbook_normalize_catalog ("40063813339A1", ean, &error));
  g_clear_error (&error);
}

static void
test_msf (void)
{
  struct { guint64 frames; const char *msf; } cases[] = {
    { 0, "00:00:00" }, { 74, "00:00:74" }, { 75, "00:01:00" }, { 150, "00:02:00" },
    { 75 * 60, "01:00:00" }, { 79 * 60 * 75 + 57 * 75 + 74, "79:57:74" }, { 80 * 60 * 75, "80:00:00" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = lq_redbook_format_msf (cases[i].frames);
      g_assert_cmpstr (s, ==, cases[i].msf);
    }
  g_assert_cmpuint (LQ_CD_FRAME_SAMPLES * LQ_CD_FRAMES_PER_SECOND, ==, LQ_CD_RATE);
  g_assert_cmpuint (LQ_CD_FRAME_SAMPLES * 4, ==, LQ_CD_FRAME_BYTES);
  g_assert_cmpuint (lq_redbook_samples_to_frames_floor (44100 * 2), ==, 150);
  g_assert_cmpuint (lq_redbook_samples_to_frames_floor (587), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/redbook/isrc", test_isrc);
  g_test_add_func ("/lq/redbook/catalog", test_catalog);
  g_test_add_func ("/lq/redbook/msf", test_msf);

  return g_test_run ();
}
