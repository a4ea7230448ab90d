/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"
#include "lq-redbook-check.h"
#include "lq-render.h"

G_BEGIN_DECLS

/*
 * The CD audio of a project: the album (LqAlbumReader) at 44.1 kHz — resampled as a whole
 * when the album rate differs, like lq_render_album() — dithered to 16 bits with the lqdither
 * kernel (flat TPDF, no noise shaping, seeded with LQ_CD_RENDER_DITHER_SEED so that two
 * renders of a project are the same samples; digital silence stays exact zeros), padded with
 * zeros to whole CD sectors. Everything before track 1's index 01 is set to digital silence,
 * as Red Book wants the first pre-gap: a resampler's or a linear-phase filter's pre-ringing
 * of track 1's first samples would otherwise leak into it. This is "the 16-bit render" that
 * the DDP image, the CUE/TOC audio and the verifier's null test use.
 */
typedef struct _LqCdRender LqCdRender;

#define LQ_CD_RENDER_DITHER_SEED 0x4C51u

LqCdRender *lq_cd_render_new        (LqProject             *project,
                                     GFile                 *scratch_dir,
                                     GCancellable          *cancellable,
                                     LqRenderProgressFunc   progress,
                                     gpointer               progress_data,
                                     GError               **error);
guint64     lq_cd_render_get_frames (LqCdRender            *self);
gssize      lq_cd_render_read       (LqCdRender            *self,
                                     gint16                *interleaved,
                                     gsize                  max_frames,
                                     GCancellable          *cancellable,
                                     GError               **error);
void        lq_cd_render_free       (LqCdRender            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqCdRender, lq_cd_render_free)

/*
 * Output folders. A CD export writes its files into a hidden temporary folder beside the
 * destination and renames it into place only when every file is complete and on disk; a
 * failure or a cancel removes it, so no partial fileset is ever left under the destination's
 * name. The destination must not exist or be empty, unless @overwrite is set (the old folder
 * is then replaced as a whole, at the end).
 */
typedef struct _LqOutputFolder LqOutputFolder;

/* A file being written into an output folder; its MD5 is computed on the way. */
typedef struct _LqOutputFile LqOutputFile;

LqOutputFolder *lq_output_folder_new      (GFile           *destination,
                                           gboolean         overwrite,
                                           GError         **error);
const char     *lq_output_folder_get_path (LqOutputFolder  *self);
LqOutputFile   *lq_output_folder_create   (LqOutputFolder  *self,
                                           const char      *name,
                                           GError         **error);
gboolean        lq_output_folder_write_file (LqOutputFolder *self,
                                           const char      *name,
                                           const void      *data,
                                           gsize            size,
                                           GError         **error);
const char     *lq_output_folder_get_md5  (LqOutputFolder  *self,
                                           const char      *name);
gboolean        lq_output_folder_write_checksums (LqOutputFolder *self,
                                           const char      *name,
                                           GError         **error);
gboolean        lq_output_folder_commit   (LqOutputFolder  *self,
                                           GError         **error);
void            lq_output_folder_free     (LqOutputFolder  *self);

gboolean        lq_output_file_write      (LqOutputFile    *file,
                                           const void      *data,
                                           gsize            size,
                                           GError         **error);
gssize          lq_cd_render_write        (LqCdRender      *self,
                                           LqOutputFile    *file,
                                           GCancellable    *cancellable,
                                           GError         **error);
gboolean        lq_output_file_close      (LqOutputFile    *file,
                                           GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqOutputFolder, lq_output_folder_free)

/*
 * DDP 2.00 fileset (layouts in shared/reference/cd-and-ddp.md):
 *   DDPID        identification record: level, UPC/EAN, master ID, type CD
 *   DDPMS        map packets: D0 audio (IMAGE.DAT), S0 PQ (PQDESCR), S0 CD-Text (CDTEXT.BIN)
 *   IMAGE.DAT    16-bit little-endian stereo, track 1's pre-gap inside, whole sectors
 *   PQDESCR      PQ descriptor: lead-in with the UPC, index 00/01/02.. with ISRCs, lead-out
 *   CDTEXT.BIN   CD-Text packs, only when any CD-Text is set
 *   CHECKSUM.MD5 md5sum list of every file ("<md5> *<name>", LF)
 *   PQSHEET.TXT, PQSHEET.PDF  the PQ sheet (when asked for; not part of the DDP map)
 */
#define LQ_DDP_IMAGE_NAME    "IMAGE.DAT"
#define LQ_DDP_PQ_NAME       "PQDESCR"
#define LQ_DDP_CDTEXT_NAME   "CDTEXT.BIN"
#define LQ_DDP_CHECKSUM_NAME "CHECKSUM.MD5"
#define LQ_DDP_RECORD_SIZE   128
#define LQ_DDP_PQ_SIZE       64

typedef struct
{
  LqRedbookLimits limits;   /* disc length limits */
  const char *master_id;    /* DDPID master ID (up to 48 ASCII characters); NULL: from the title */
  gboolean overwrite;       /* replace an existing, non-empty destination folder */
  gboolean pq_sheet;        /* also write PQSHEET.TXT and PQSHEET.PDF into the folder */
  GPtrArray *issues;        /* (nullable): receives the Red Book findings (warnings too) */
} LqDdpOptions;

void     lq_ddp_options_init  (LqDdpOptions          *options);
gboolean lq_ddp_export        (LqProject             *project,
                               GFile                 *folder,
                               const LqDdpOptions    *options,
                               GCancellable          *cancellable,
                               LqRenderProgressFunc   progress,
                               gpointer               progress_data,
                               GError               **error);
void     lq_ddp_export_async  (LqProject             *project,
                               GFile                 *folder,
                               const LqDdpOptions    *options,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data);
gboolean lq_ddp_export_finish (GAsyncResult          *result,
                               GError               **error);

G_END_DECLS
