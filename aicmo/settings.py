from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AICMO_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./aicmo.db"
    grading_profile: Path | None = None
    import_batch_size: int = 2000
    default_phone_region: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
