/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "lq-project.h"
#include "lq-redbook-check.h"

G_BEGIN_DECLS

/*
 * Reading a DDP 2.00 fileset back: from Lacquer or from any tool that follows the layouts in
 * shared/reference/cd-and-ddp.md. Only DDPID and DDPMS have fixed names; the audio, PQ and
 * CD-Text streams are found through the DSI field of their map packets (file names compared
 * without case). The disc is described as an LqCdDisc, so the Red Book checks, the PQ sheet
 * and the CUE/TOC writers work on it as on a project.
 */

#define LQ_DDP_ERROR (lq_ddp_error_quark ())

/**
 * LqDdpError:
 * @LQ_DDP_ERROR_NOT_DDP: the folder has no DDPID/DDPMS, or they are not DDP
 * @LQ_DDP_ERROR_INVALID: a descriptor is malformed (record sizes, required streams)
 * @LQ_DDP_ERROR_UNSUPPORTED: the fileset is valid but not an audio CD Lacquer reads (data
 *   streams, several audio streams, a sub-sector image)
 */
typedef enum
{
  LQ_DDP_ERROR_NOT_DDP,
  LQ_DDP_ERROR_INVALID,
  LQ_DDP_ERROR_UNSUPPORTED,
} LqDdpError;

typedef struct _LqDdpReader LqDdpReader;

/* The outcome of comparing the image with a project's 16-bit render. */
typedef struct
{
  guint64 image_frames;      /* stereo frames in the image */
  guint64 render_frames;     /* stereo frames in the render */
  guint64 compared_frames;   /* frames compared (the shorter of the two) */
  guint64 differing_samples; /* samples (one channel) that are not equal */
  guint max_difference;      /* largest |image - render|, in 16-bit steps */
  guint64 first_difference;  /* frame of the first difference, G_MAXUINT64 for none */
} LqDdpNullTest;

GQuark          lq_ddp_error_quark          (void);

LqDdpReader    *lq_ddp_reader_open          (GFile            *folder,
                                             GError          **error);
void            lq_ddp_reader_free          (LqDdpReader      *self);
const LqCdDisc *lq_ddp_reader_get_disc      (LqDdpReader      *self);
const char     *lq_ddp_reader_get_level     (LqDdpReader      *self);
const char     *lq_ddp_reader_get_master_id (LqDdpReader      *self);
const char     *lq_ddp_reader_get_image_name (LqDdpReader     *self);
gboolean        lq_ddp_reader_verify        (LqDdpReader      *self,
                                             const LqRedbookLimits *limits,
                                             GPtrArray        *issues,
                                             GCancellable     *cancellable,
                                             GError          **error);
gssize          lq_ddp_reader_read_image    (LqDdpReader      *self,
                                             guint64           frame,
                                             gint16           *interleaved,
                                             gsize             n_frames,
                                             GError          **error);
gboolean        lq_ddp_reader_decode_tracks (LqDdpReader      *self,
                                             GFile            *folder,
                                             gboolean          overwrite,
                                             GCancellable     *cancellable,
                                             GError          **error);
gboolean        lq_ddp_reader_null_test     (LqDdpReader      *self,
                                             LqProject        *project,
                                             GFile            *scratch_dir,
                                             LqDdpNullTest    *result,
                                             GCancellable     *cancellable,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LqDdpReader, lq_ddp_reader_free)

G_END_DECLS
