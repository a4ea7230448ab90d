/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-redbook"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "lq-redbook.h"

G_DEFINE_QUARK (lq-delivery-error-quark, lq_delivery_error)

/**
 * lq_redbook_check_isrc:
 *
 * An ISRC is 12 characters: country (2 letters), registrant (3 letters or digits), year
 * (2 digits), designation (5 digits). Dashes, as often printed ("US-ABC-12-34567"), are not
 * part of the code written to a disc and are refused here; strip them first.
 */
gboolean
lq_redbook_check_isrc (const char  *isrc,
                       GError     **error)
{
  gsize len;

  g_return_val_if_fail (isrc != NULL, FALSE);

  len = strlen (isrc);
  if (len != 12)
    {
      g_set_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_ISRC,
                   _("ISRC “%s” has %zu characters; an ISRC has 12 (country, registrant, year, number), without dashes"),
                   isrc, len);
      return FALSE;
    }
  for (guint i = 0; i < 12; i++)
    {
      char c = isrc[i];
      gboolean ok = i < 2 ? g_ascii_isupper (c)
                  : i < 5 ? (g_ascii_isupper (c) || g_ascii_isdigit (c))
                  : g_ascii_isdigit (c);

      if (!ok)
        {
          g_set_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_ISRC,
                       _("ISRC “%s”: character %u (“%c”) must be %s"), isrc, i + 1, c,
                       i < 2 ? _("an upper-case letter (country code)")
                       : i < 5 ? _("an upper-case letter or a digit (registrant code)")
                       : _("a digit (year and designation code)"));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * lq_redbook_normalize_catalog:
 * @out_ean: receives the 13-digit code and a NUL
 *
 * Accepts a 13-digit EAN or a 12-digit UPC-A (which gets a leading 0) and checks the check
 * digit: (10 - (sum of the first 12 digits weighted 1, 3, 1, 3, ...) mod 10) mod 10.
 */
gboolean
lq_redbook_normalize_catalog (const char  *upc_or_ean,
                              char         out_ean[14],
                              GError     **error)
{
  gsize len;
  guint sum = 0, check;

  g_return_val_if_fail (upc_or_ean != NULL, FALSE);
  g_return_val_if_fail (out_ean != NULL, FALSE);

  len = strlen (upc_or_ean);
  if (len != 12 && len != 13)
    {
      g_set_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_CATALOG,
                   _("Catalog number “%s” has %zu digits; a UPC has 12 and an EAN 13"), upc_or_ean, len);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (upc_or_ean[i]))
      {
        g_set_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_CATALOG,
                     _("Catalog number “%s” may contain digits only"), upc_or_ean);
        return FALSE;
      }

  if (len == 12)
    {
      out_ean[0] = '0';
      memcpy (out_ean + 1, upc_or_ean, 12);
    }
  else
    memcpy (out_ean, upc_or_ean, 13);
  out_ean[13] = '\0';

  for (guint i = 0; i < 12; i++)
    sum += (guint) (out_ean[i] - '0') * (i % 2 ? 3 : 1);
  check = (10 - sum % 10) % 10;
  if ((guint) (out_ean[12] - '0') != check)
    {
      g_set_error (error, LQ_DELIVERY_ERROR, LQ_DELIVERY_ERROR_CATALOG,
                   _("Catalog number “%s” has check digit %c, but its digits give %u; check for a typing error"),
                   upc_or_ean, out_ean[12], check);
      return FALSE;
    }
  return TRUE;
}

/**
 * lq_redbook_format_msf:
 *
 * Returns: (transfer full): @cd_frames as "mm:ss:ff" (75 frames a second)
 */
char *
lq_redbook_format_msf (guint64 cd_frames)
{
  guint64 seconds = cd_frames / LQ_CD_FRAMES_PER_SECOND;

  return g_strdup_printf ("%02" G_GUINT64_FORMAT ":%02u:%02u", seconds / 60,
                          (guint) (seconds % 60), (guint) (cd_frames % LQ_CD_FRAMES_PER_SECOND));
}

guint64
lq_redbook_samples_to_frames_floor (guint64 samples)
{
  return samples / LQ_CD_FRAME_SAMPLES;
}
