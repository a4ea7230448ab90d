/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-redbook-check.h"

G_BEGIN_DECLS

/*
 * The PQ sheet: the paper a plant asks for with a master. The disc (title, UPC/EAN, length,
 * master ID, the image's MD5), then every index point of every track with its absolute time
 * (mm:ss:ff), the track lengths and ISRCs, then the CD-Text. As plain text (UTF-8, LF) and
 * as an A4 PDF drawn with cairo.
 */
typedef struct
{
  const char *master_id;    /* (nullable) as in the DDPID */
  const char *image_md5;    /* (nullable) MD5 of the audio image, hex */
  const char *source;       /* (nullable) where the disc comes from (project or DDP folder) */
} LqPqSheetInfo;

char    *lq_pq_sheet_format_text (const LqCdDisc       *disc,
                                  const LqPqSheetInfo  *info);
GBytes  *lq_pq_sheet_make_pdf    (const LqCdDisc       *disc,
                                  const LqPqSheetInfo  *info,
                                  GError              **error);

G_END_DECLS
