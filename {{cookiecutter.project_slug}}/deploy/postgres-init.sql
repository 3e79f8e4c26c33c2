-- Run once by the postgres container on an empty volume (deploy/compose.yaml): the prediction
-- log's own database, beside MLflow's (POSTGRES_DB). The service creates its tables.
CREATE DATABASE predictions;
