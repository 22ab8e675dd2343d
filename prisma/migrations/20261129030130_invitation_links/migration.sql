-- AlterTable
ALTER TABLE "Invitation" ADD COLUMN     "secretSealed" TEXT;

-- AlterTable
ALTER TABLE "OutboxEmail" ADD COLUMN     "sealed" BOOLEAN NOT NULL DEFAULT false;
