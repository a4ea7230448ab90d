/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Red Book (CD-DA) constants. */
#define LQ_CD_RATE              44100
#define LQ_CD_FRAME_SAMPLES     588   /* stereo samples in one sector (frame) */
#define LQ_CD_FRAME_BYTES       2352
#define LQ_CD_FRAMES_PER_SECOND 75
#define LQ_CD_MAX_TRACKS        99

#define LQ_DELIVERY_ERROR (lq_delivery_error_quark ())

/**
 * LqDeliveryError:
 * @LQ_DELIVERY_ERROR_ISRC: an ISRC is malformed
 * @LQ_DELIVERY_ERROR_CATALOG: a UPC/EAN is malformed or its check digit is wrong
 * @LQ_DELIVERY_ERROR_RED_BOOK: a Red Book rule is broken
 */
typedef enum
{
  LQ_DELIVERY_ERROR_ISRC,
  LQ_DELIVERY_ERROR_CATALOG,
  LQ_DELIVERY_ERROR_RED_BOOK,
} LqDeliveryError;

GQuark   lq_delivery_error_quark     (void);

gboolean lq_redbook_check_isrc       (const char  *isrc,
                                      GError     **error);
gboolean lq_redbook_normalize_catalog (const char *upc_or_ean,
                                      char        out_ean[14],
                                      GError     **error);
char    *lq_redbook_format_msf       (guint64      cd_frames);
guint64  lq_redbook_samples_to_frames_floor (guint64 samples);

G_END_DECLS
